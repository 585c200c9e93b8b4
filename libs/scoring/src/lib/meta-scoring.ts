import { MetaRule, NoteStatus, publicStatus } from './note-status';
import type { ModelDecision } from './status-stability';

/**
 * §9 rules 1–7 for the scorers implemented here, in the reference's order (last writer wins):
 * MetaInitialNMR, CoreModel (its status wherever it scored the note, FIRM_REJECT shown as NMR),
 * then GaussianModel, a coverage model: it may move a note Core left at NEEDS_MORE_RATINGS or
 * NEEDS_YOUR_HELP to CRH, NYH or CRNH, but never make helpful a note Core firmly rejected or
 * rated not helpful (its CRNH still stands over a Core FIRM_REJECT, as in the reference's output
 * on cn-small). Each note keeps the model that decided it.
 */
export function metaScore(coreStatus: Uint8Array, gaussianStatus: Uint8Array): ModelDecision {
  const status = Uint8Array.from(coreStatus, (s) => publicStatus(s));
  const decidedBy = new Uint8Array(status.length).fill(MetaRule.CoreModel);
  for (let n = 0; n < status.length; n++) {
    const gaussian = gaussianStatus[n] as NoteStatus;
    const current = status[n];
    if (current !== NoteStatus.NeedsMoreRatings && current !== NoteStatus.NeedsYourHelp) continue;
    if (gaussian === current) continue;
    const core = coreStatus[n];
    const blocked = core === NoteStatus.FirmReject || core === NoteStatus.CurrentlyRatedNotHelpful;
    if (gaussian === NoteStatus.CurrentlyRatedNotHelpful) {
      status[n] = gaussian;
      decidedBy[n] = MetaRule.GaussianModel;
    } else if (
      !blocked &&
      (gaussian === NoteStatus.CurrentlyRatedHelpful || gaussian === NoteStatus.NeedsYourHelp)
    ) {
      status[n] = gaussian;
      decidedBy[n] = MetaRule.GaussianModel;
    }
  }
  return { status, decidedBy };
}
