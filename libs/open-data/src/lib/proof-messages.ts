import type { ReportDiscrepancy } from './discrepancy';

/** A record whose proof passed the cheap checks, and what it is. */
export interface ProvenUse {
  subject: string;
  /** The proof's nullifier (the record's pseudonym, checked) and message, both decimal. */
  pseudonym: string;
  message: string;
  kind: 'note' | 'redacted note' | 'deletion' | 'rating' | 'request';
}

/**
 * The proof messages used, by pseudonym, so that no proof stands for two records.
 *
 * A record's message is recomputed from its fields, which bind the action's kind and target
 * (docs/protocol.md): two such records share a (pseudonym, message) only when both are notes
 * (`note.create` has no target), the same proven submission stored twice, which the instance
 * refuses (one note per pseudonym and message): `NOTE_DUPLICATE`. A redacted note's message is
 * not recomputed but read from its REDACT entry, so nothing ties it to a `note.create`: the hash
 * hides the kind with the text. What can be shown is that it is no other exported record's:
 * one that is a deletion's, rating's, replaced rating's or request's of the pseudonym was made
 * for that action, not for this note (`PROOF_REUSED`). A proof the export does not carry (a
 * report's, an invite's, a rating version purged by a full run) cannot be told from a note's
 * (docs/moderation.md, "What stays verifiable of a redacted note").
 *
 * Notes and deletions are kept (the notes stream, read first, has both in any order); ratings,
 * replaced ratings and requests, most of an export, are only looked up: their own repeats are
 * `RATING_DUPLICATE`, `REPLACED_RATING_INVALID` and `REQUEST_DUPLICATE`.
 */
export class ProofMessages {
  private readonly kept = new Map<string, ProvenUse>();

  constructor(private readonly report: ReportDiscrepancy) {}

  /** Ratings and requests only after every note and deletion. */
  add(use: ProvenUse): void {
    const key = `${use.pseudonym}|${use.message}`;
    const earlier = this.kept.get(key);
    if (earlier) this.reused(earlier, use);
    else if (isNote(use) || use.kind === 'deletion') {
      this.kept.set(key, use);
    }
  }

  private reused(earlier: ProvenUse, later: ProvenUse): void {
    if (isNote(earlier) && isNote(later)) {
      return this.report(
        'NOTE_DUPLICATE',
        later.subject,
        `${earlier.subject} carries the same proven submission: the instance stores it once`,
      );
    }
    // Named by the redacted note, the record a proof of another action was made into.
    const [note, other] = later.kind === 'redacted note' ? [later, earlier] : [earlier, later];
    this.report(
      'PROOF_REUSED',
      note.subject,
      `its proof is the one of ${other.subject}: made for that action, not for this record`,
    );
  }
}

const isNote = (use: ProvenUse) => use.kind === 'note' || use.kind === 'redacted note';
