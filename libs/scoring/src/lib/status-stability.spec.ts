import { NoteStatus } from './note-status';
import { ScoringInputBuilder } from './scoring-input';
import { emptyStatusHistory, type NoteStatusHistory } from './status-history';
import { stabiliseStatuses } from './status-stability';

const MIN = 60_000;
const { CurrentlyRatedHelpful: CRH, CurrentlyRatedNotHelpful: CRNH } = NoteStatus;

/**
 * One note whose previous history says it has been held since `heldAt` (or not held), scored
 * `status` (pre-stabilisation) by the run at `nowMs`: the history that run writes.
 */
function nextRow(options: {
  status: NoteStatus;
  heldAt?: number;
  nowMs: number;
  preStabilizationPublic: boolean;
}): NoteStatusHistory {
  const builder = new ScoringInputBuilder({
    preStabilizationPublic: options.preStabilizationPublic,
  });
  builder.addNote('n', {
    createdAtMs: 0,
    misleading: true,
    history: {
      ...emptyStatusHistory('n', 'w', 0),
      ...(options.heldAt === undefined
        ? {}
        : {
            timestampMillisOfNmrDueToMinStableCrhTime: options.heldAt,
            timestampMillisOfFirstNmrDueToMinStableCrhTime: options.heldAt,
          }),
    },
  });
  const input = builder.build();
  const stable = stabiliseStatuses(input, Uint8Array.of(options.status), options.nowMs);
  return (stable.history as NoteStatusHistory[])[0];
}

describe('the decision time a status released from a stabilisation hold is recorded at', () => {
  const heldAt = 1000 * MIN;

  it('is the hold’s start where the pre-stabilisation status is public', () => {
    const row = nextRow({
      status: CRH,
      heldAt,
      nowMs: heldAt + 61 * MIN,
      preStabilizationPublic: true,
    });
    expect(row).toMatchObject({
      currentStatus: 'CURRENTLY_RATED_HELPFUL',
      timestampMillisOfFirstNonNMRStatus: heldAt,
      timestampMillisOfLatestNonNMRStatus: heldAt,
      timestampMillisOfCurrentStatus: heldAt + 61 * MIN,
      timestampMillisOfNmrDueToMinStableCrhTime: NaN,
    });
  });

  it('is the release run’s, as in the reference, for Community Notes’ data', () => {
    const nowMs = heldAt + 61 * MIN;
    const row = nextRow({ status: CRH, heldAt, nowMs, preStabilizationPublic: false });
    expect(row).toMatchObject({
      timestampMillisOfFirstNonNMRStatus: nowMs,
      timestampMillisOfLatestNonNMRStatus: nowMs,
    });
  });

  it('is the NYH hold’s start for a note that was NYH before it became CRH on the same clock', () => {
    // NYH since minute 1000 (published then), CRH 90 minutes later: released at once, since the
    // hold's clock runs from the NYH; it was public as needing help, leaning helpful, since then.
    const row = nextRow({
      status: CRH,
      heldAt,
      nowMs: heldAt + 90 * MIN,
      preStabilizationPublic: true,
    });
    expect(row.timestampMillisOfLatestNonNMRStatus).toBe(heldAt);
  });

  it('is the run’s own for a status never held (CRNH) and for a note still held', () => {
    const nowMs = heldAt + 5 * MIN;
    expect(
      nextRow({ status: CRNH, nowMs, preStabilizationPublic: true })
        .timestampMillisOfLatestNonNMRStatus,
    ).toBe(nowMs);
    const held = nextRow({ status: CRH, heldAt, nowMs, preStabilizationPublic: true });
    expect(held).toMatchObject({
      currentStatus: 'NEEDS_MORE_RATINGS',
      firstNonNMRStatus: '',
      timestampMillisOfNmrDueToMinStableCrhTime: heldAt,
    });
  });
});
