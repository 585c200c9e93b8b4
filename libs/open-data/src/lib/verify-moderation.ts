import { checkModerationChain, noteTarget, type ModerationLogEntry } from '@bridgenotes/protocol';

import type { RedactedAction } from './action-check';
import { noteCreateAction, redactedNoteAction } from './actions';
import type { ReportDiscrepancy } from './discrepancy';
import type { ExportManifest, NoteRecord } from './export-format';
import type { ExportSource } from './export-source';
import type { Action } from '@bridgenotes/protocol';

/** What the moderation log says the notes should look like, and what the notes showed. */
export interface ModerationCheck {
  entries: number;
  /** Redacted notes: their REDACT entry's message, by note id. */
  redactions: Map<string, string>;
  /** Notes hidden at the end of the log. */
  hidden: Set<string>;
  redactedSeen: Set<string>;
}

export interface ModerationSummary {
  entries: number;
  redactedNotes: number;
  hiddenNotes: number;
}

/**
 * Reads the moderation log (an export made before it existed has none: null) and checks its
 * chain: an entry removed, reordered or rewritten is reported where the chain breaks.
 */
export async function readModerationLog(
  source: ExportSource,
  manifest: ExportManifest,
  report: ReportDiscrepancy,
): Promise<ModerationCheck | null> {
  if (!manifest.streams.includes('moderation')) return null;
  const entries: ModerationLogEntry[] = [];
  for await (const entry of source.records('moderation')) entries.push(entry);
  const broken = checkModerationChain(manifest.community.id, entries);
  if (broken) {
    report('MODERATION_LOG_BROKEN', `moderation log entry ${broken.seq}`, broken.problem);
  }
  const check: ModerationCheck = {
    entries: entries.length,
    redactions: new Map(),
    hidden: new Set(),
    redactedSeen: new Set(),
  };
  for (const entry of entries) {
    const noteId = noteTarget(entry.target);
    if (noteId === undefined) continue;
    if (entry.action === 'HIDE') check.hidden.add(noteId);
    if (entry.action === 'RESTORE') check.hidden.delete(noteId);
    if (entry.action === 'REDACT' && entry.message !== null) {
      check.redactions.set(noteId, entry.message);
    }
  }
  return check;
}

/**
 * The action a note's proof is checked against: its creation rebuilt from its fields, or, for
 * a redacted note, the message its REDACT entry recorded, once it is shown that the log holds
 * that entry and the note's text and sources are really gone. Undefined when the note cannot be
 * checked (reported here, or unproven).
 */
export function noteProofAction(
  communityId: string,
  note: NoteRecord,
  moderation: ModerationCheck | null,
  report: ReportDiscrepancy,
): Action | RedactedAction | undefined {
  const subject = `note ${note.id}`;
  if ((note.hidden ?? false) !== (moderation?.hidden.has(note.id) ?? false) && moderation) {
    report(
      'HIDDEN_MISMATCH',
      subject,
      `the note is ${note.hidden ? '' : 'not '}marked hidden, which the moderation log does not say`,
    );
  }
  if (!note.redacted) return noteCreateAction(communityId, note);
  const logged = moderation?.redactions.get(note.id);
  if (logged === undefined) {
    report(
      'REDACTION_UNLOGGED',
      subject,
      'the note is redacted, but no REDACT entry of the moderation log names it',
    );
    return undefined;
  }
  moderation?.redactedSeen.add(note.id);
  if (note.text !== '' || note.sources.length > 0) {
    report(
      'REDACTION_INCOMPLETE',
      subject,
      'the note is marked redacted but still carries its text or sources',
    );
  }
  return redactedNoteAction(note, logged);
}

/** After the notes: a redaction the export did not apply still publishes what it removed. */
export function finishModeration(
  moderation: ModerationCheck | null,
  report: ReportDiscrepancy,
): ModerationSummary | null {
  if (!moderation) return null;
  for (const noteId of moderation.redactions.keys()) {
    if (!moderation.redactedSeen.has(noteId)) {
      report(
        'REDACTION_NOT_APPLIED',
        `note ${noteId}`,
        'the moderation log redacted the note, but the export does not show it redacted',
      );
    }
  }
  return {
    entries: moderation.entries,
    redactedNotes: moderation.redactedSeen.size,
    hiddenNotes: moderation.hidden.size,
  };
}
