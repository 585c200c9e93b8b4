import { MetaRule, NOTE_STATUS_NAMES, NoteStatus, RuleId } from '../lib/note-status';
import type { ScorerStatuses } from '../lib/scorer-models';
import { scoreNotes, type ScoringResult } from '../lib/scorer';
import type { CommunityNotesData } from './community-notes-reader';
import { ourRaters, type RaterParameters } from './rater-agreement';
import type { OurNote } from './reference-agreement';
import { metaRuleName } from './tsv-output';
import { CORE_CAPTURE_THRESHOLD } from './tsv-schema';

/** Our side of the comparison: per note, and Core's raters (`ourRaters`). */
export interface OurScores {
  readonly notes: Map<string, OurNote>;
  readonly raters: Map<string, RaterParameters>;
}

/**
 * Scores Community Notes data the two ways the reference's outputs can be compared with: settled
 * (no run time, NEEDS_YOUR_HELP shown as NEEDS_MORE_RATINGS: the status a second run ≥ 61 min
 * later gives, §16.9) and, when the reference's run time is known, a single first run at that
 * time with the input's status history (new helpful notes held by stabilisation).
 */
export function ourScores(
  data: CommunityNotesData,
  options: {
    seed: number;
    epochMillis?: number;
    lowDiligenceInitSeed?: number;
    lowDiligenceTorchSeed?: number;
  },
): OurScores {
  const { lowDiligenceInitSeed, lowDiligenceTorchSeed } = options;
  const settled = scoreNotes(data.input, {
    seed: options.seed,
    lowDiligenceInitSeed,
    lowDiligenceTorchSeed,
  });
  const timed =
    options.epochMillis === undefined
      ? undefined
      : scoreNotes(data.input, {
          seed: options.seed,
          lowDiligenceInitSeed,
          lowDiligenceTorchSeed,
          nowMs: options.epochMillis,
        });
  const out = new Map<string, OurNote>();
  const nmr = NOTE_STATUS_NAMES[NoteStatus.NeedsMoreRatings];
  const shown = (result: ScoringResult, n: number): string => {
    const status = result.finalStatus[n] as NoteStatus;
    return NOTE_STATUS_NAMES[
      status === NoteStatus.NeedsYourHelp ? NoteStatus.NeedsMoreRatings : status
    ];
  };
  data.input.noteIds.forEach((id, n) => {
    // Unrated notes (coreShare NaN) and notes mostly rated outside the Core slice: no Core status.
    const captured = data.coreShare[n] >= CORE_CAPTURE_THRESHOLD;
    // Topic notes (§8.6) are left out of Core as well.
    const core = captured && settled.scorers.core.scored[n] === 1;
    const lowDiligence = settled.safeguards?.lowDiligenceIntercept[n] ?? NaN;
    const { scorers } = settled;
    const statusOf = (scorer: ScorerStatuses, reported: boolean): string =>
      reported && scorer.scored[n] === 1 ? NOTE_STATUS_NAMES[scorer.status[n] as NoteStatus] : '';
    out.set(id, {
      coreStatus: core ? NOTE_STATUS_NAMES[settled.status[n] as NoteStatus] : '',
      scorerStatus: {
        coreWithTopics: statusOf(scorers.coreWithTopics, captured),
        expansion: statusOf(scorers.expansion, captured),
        // ExpansionPlus has no capture threshold (§8.4).
        expansionPlus: statusOf(scorers.expansionPlus, true),
        gaussian: statusOf(scorers.gaussian, captured),
        gaussianCoreWithTopics: statusOf(scorers.gaussianCoreWithTopics, captured),
      },
      firstRunDecidedBy:
        timed === undefined
          ? ''
          : metaRuleName(
              captured ? timed.metaDecidedBy[n] : MetaRule.ExpansionPlusModel,
              timed.scorers.topics.noteTopic[n],
            ),
      settledStatus: captured ? shown(settled, n) : nmr,
      firstRunStatus: timed === undefined ? '' : captured ? shown(timed, n) : nmr,
      lowDiligenceFired: core && (settled.activeRules[n] & (1 << RuleId.LowDiligence)) !== 0,
      coreIntercept: core ? settled.final.intercept[n] : NaN,
      coreInterceptMax: core ? settled.final.interceptMax[n] : NaN,
      gaussianIntercept: core ? settled.gaussian.intercept[n] : NaN,
      lowDiligenceIntercept: core ? lowDiligence : NaN,
    });
  });
  return { notes: out, raters: ourRaters(data.input.participantIds, settled.prescoring) };
}
