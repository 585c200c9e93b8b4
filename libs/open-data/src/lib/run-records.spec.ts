import type { ShownStatus } from '@bridgenotes/scoring';
import { randomUUID } from 'node:crypto';

import {
  codes,
  community,
  note,
  scoredRun,
  source as memorySource,
  type Streams,
} from '../testing/memory-export';
import type { ExportManifest, ResultRecord, RunRecord, StatusChangeRecord } from './export-format';
import { verifyExport, type VerificationReport } from './verify-export';

const NMR = 'NEEDS_MORE_RATINGS';
const CRH = 'CURRENTLY_RATED_HELPFUL';
const CRNH = 'CURRENTLY_RATED_NOT_HELPFUL';

const counts = (nmr: number, crh: number, crnh: number): RunRecord['statusCounts'] => ({
  [NMR]: nmr,
  [CRH]: crh,
  [CRNH]: crnh,
});

/**
 * Three runs' records with no notes or ratings to recompute them from (the incremental run's
 * base has no frozen parameters, an error each test sets aside): a full run F that makes three notes helpful, an
 * incremental run I1 that makes C not helpful, and the latest, I2, that takes B back to NMR.
 * What is left to check is whether the records agree with one another: the status changes
 * chain and end at the published statuses, every run's counts are what they add up to, and
 * each incremental run names the latest full run as its base.
 */
function history() {
  const { manifest, members, roots } = community([11n, 22n]);
  const full = {
    ...scoredRun(randomUUID(), 4, 'FULL'),
    noteCount: 3,
    statusCounts: counts(0, 3, 0),
  };
  const incremental = (at: number, statusCounts: RunRecord['statusCounts']): RunRecord => ({
    ...scoredRun(randomUUID(), at, 'INCREMENTAL'),
    baseRunId: full.id,
    noteCount: 1,
    statusCounts,
  });
  const first = incremental(6, counts(0, 2, 1));
  const latest = incremental(8, counts(1, 1, 1));
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()].sort();
  const result = (noteId: string, status: ShownStatus, run: RunRecord): ResultRecord => ({
    cursor: noteId,
    noteId,
    status,
    runId: run.id,
    score: null,
    history: null,
    previousHistory: null,
  });
  let id = 0;
  const change = (
    noteId: string,
    run: RunRecord,
    previous: ShownStatus,
    next: ShownStatus,
  ): StatusChangeRecord => {
    id += 1;
    return {
      cursor: String(id),
      id: String(id),
      noteId,
      runId: run.id,
      previous,
      next,
      changedAt: run.finishedAt as string,
    };
  };
  const streams: Partial<Streams> = {
    members,
    roots: roots.slice(0, 1),
    runs: [full, first, latest],
    results: [
      result(a as string, CRH, full),
      result(b as string, NMR, latest),
      result(c as string, CRNH, first),
    ],
    'status-changes': [
      change(a as string, full, NMR, CRH),
      change(b as string, full, NMR, CRH),
      change(c as string, full, NMR, CRH),
      change(c as string, first, CRH, CRNH),
      change(b as string, latest, CRH, NMR),
    ],
  };
  return { manifest, streams, full, first, latest, notes: { a, b, c } };
}

/**
 * The export, with a note record (unproven: `NOTE_UNPROVEN`) for each published result, as an
 * instance exports every note it publishes a result for.
 */
const source = (manifest: ExportManifest, streams: Partial<Streams>) =>
  memorySource(manifest, {
    ...streams,
    notes: (streams.results ?? [])
      .map(({ noteId }) => ({ ...note(null), id: noteId, cursor: noteId }))
      .sort((x, y) => x.id.localeCompare(y.id)),
  });

/** What the verifier finds besides the base's missing parameters and the notes' missing proofs. */
const findings = (report: VerificationReport) =>
  report.discrepancies.filter(
    ({ code }) => code !== 'RUN_BASE_MISSING' && code !== 'NOTE_UNPROVEN',
  );

describe('the runs, status changes and results of an export agree', () => {
  it('finds nothing in a consistent history', async () => {
    const { manifest, streams } = history();
    const report = await verifyExport(source(manifest, streams));
    expect(findings(report)).toEqual([]);
    expect(report.discrepancies.map(({ code }) => code)).toEqual([
      'RUN_BASE_MISSING',
      'NOTE_UNPROVEN',
      'NOTE_UNPROVEN',
      'NOTE_UNPROVEN',
    ]);
  });

  it("finds the latest incremental run's status counts that are not the community's", async () => {
    const { manifest, streams, latest } = history();
    latest.statusCounts = counts(0, 2, 1);
    const report = await verifyExport(source(manifest, streams));
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(findings(report)).toEqual([
      expect.objectContaining({ code: 'RUN_COUNTS_MISMATCH', subject: `run ${latest.id}` }),
    ]);
  });

  it('allows the latest incremental run to have counted fewer notes than were written since', async () => {
    const { manifest, streams, latest } = history();
    const late = randomUUID();
    streams.results?.push({
      cursor: late,
      noteId: late,
      status: NMR,
      runId: null,
      score: null,
      history: null,
      previousHistory: null,
    });
    expect(findings(await verifyExport(source(manifest, streams)))).toEqual([]);
    // Not more notes at NMR than the export has, though.
    latest.statusCounts = counts(3, 1, 1);
    expect(findings(await verifyExport(source(manifest, streams)))).toEqual([
      expect.objectContaining({ code: 'RUN_COUNTS_MISMATCH', subject: `run ${latest.id}` }),
    ]);
  });

  it('finds the counts of an earlier run that its status changes do not add up to', async () => {
    const { manifest, streams, full, first } = history();
    first.statusCounts = counts(0, 3, 0);
    // A full run's counts add up to its note count.
    full.statusCounts = counts(1, 3, 0);
    const report = await verifyExport(source(manifest, streams));
    expect(findings(report)).toEqual([
      expect.objectContaining({ code: 'RUN_COUNTS_MISMATCH', subject: `run ${full.id}` }),
      expect.objectContaining({ code: 'RUN_COUNTS_MISMATCH', subject: `run ${first.id}` }),
    ]);
  });

  it("finds a base run's status change that was left out, or changed", async () => {
    const { manifest, streams, full, notes } = history();
    const changes = streams['status-changes'] as StatusChangeRecord[];
    // B was never made helpful by F, so I2 cannot have taken it back, and F counted 2 helpful.
    const [dropped] = changes.splice(1, 1);
    const report = await verifyExport(source(manifest, streams));
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(findings(report)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'STATUS_CHANGE_BROKEN', subject: `note ${notes.b}` }),
        expect.objectContaining({ code: 'RUN_COUNTS_MISMATCH', subject: `run ${full.id}` }),
      ]),
    );
    // F made A not helpful, its changes say: not what A is published as, nor what F counted.
    changes.splice(1, 0, dropped as StatusChangeRecord);
    (changes[0] as StatusChangeRecord).next = CRNH;
    expect(findings(await verifyExport(source(manifest, streams)))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'STATUS_CHANGES_INCOMPLETE', subject: `note ${notes.a}` }),
        expect.objectContaining({ code: 'RUN_COUNTS_MISMATCH', subject: `run ${full.id}` }),
      ]),
    );
  });

  it('finds status changes out of run order, by an unknown run, or of an unknown note', async () => {
    const { manifest, streams, notes } = history();
    const changes = streams['status-changes'] as StatusChangeRecord[];
    // C's two changes swapped: I1's comes before F's.
    [changes[2], changes[3]] = [changes[3] as StatusChangeRecord, changes[2] as StatusChangeRecord];
    const stranger = randomUUID();
    const ghost = randomUUID();
    changes.push({ ...(changes[0] as StatusChangeRecord), id: '9', runId: stranger });
    changes.push({ ...(changes[0] as StatusChangeRecord), id: '10', noteId: ghost });
    const found = findings(await verifyExport(source(manifest, streams)));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'STATUS_CHANGE_BROKEN', subject: `note ${notes.c}` }),
        expect.objectContaining({ code: 'STATUS_CHANGE_UNKNOWN_RUN', subject: `run ${stranger}` }),
        expect.objectContaining({ code: 'STATUS_CHANGE_UNKNOWN_NOTE', subject: `note ${ghost}` }),
      ]),
    );
  });

  it('finds an incremental run whose base is not the latest full run before it', async () => {
    const { manifest, streams, first, notes } = history();
    first.baseRunId = randomUUID();
    const report = await verifyExport(source(manifest, streams));
    expect(findings(report)).toEqual([
      expect.objectContaining({ code: 'RUN_BASE_INCONSISTENT', subject: `run ${first.id}` }),
      // Its note's result is then of no run on the latest run's base, which nothing recomputes.
      expect.objectContaining({ code: 'RESULT_NOT_FROM_RUN', subject: `note ${notes.c}` }),
    ]);
  });

  it("finds a note kept out of the latest incremental run's base, with an older run's result", async () => {
    const { manifest, streams, full, latest } = history();
    // The counts, as the instance publishes them, take the kept note in.
    latest.statusCounts = counts(2, 1, 1);
    const older = {
      ...scoredRun(randomUUID(), 2, 'FULL'),
      noteCount: 1,
      statusCounts: counts(1, 0, 0),
    };
    const kept = randomUUID();
    streams.runs?.unshift(older);
    streams.results?.push({
      cursor: kept,
      noteId: kept,
      status: NMR,
      runId: older.id,
      score: null,
      history: null,
      previousHistory: null,
    });
    const report = await verifyExport(source(manifest, streams));
    expect(findings(report)).toEqual([
      expect.objectContaining({ code: 'RESULT_NOT_FROM_RUN', subject: `note ${kept}` }),
    ]);
    expect(findings(report)[0]?.message).toContain(full.id);
  });

  it('takes the latest full run by its cut, as the instance does, not by the finishing clock', async () => {
    const { manifest, streams, full, first } = history();
    // The full run's worker had its clock ahead: it "finished" after the incremental runs.
    full.finishedAt = new Date(Date.parse(first.finishedAt as string) + 3_600_000).toISOString();
    const report = await verifyExport(source(manifest, streams));
    expect(codes(report)).not.toContain('RUN_BASE_INCONSISTENT');
  });
});
