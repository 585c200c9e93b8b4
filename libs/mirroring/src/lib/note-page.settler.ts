import {
  PrismaService,
  ScoringOutbox,
  type Mirror,
  type Note,
  type Prisma,
} from '@bridgenotes/database';
import {
  checkRecordedAction,
  noteCreateAction,
  noteDeleteAction,
  noteShownOnProvenPost,
  provenPostKey,
  redactedNoteAction,
  type ActionCheckContext,
  type NoteRecord,
  type PostKey,
} from '@bridgenotes/open-data';
import type { ModerationLogEntry, ProofVerifier } from '@bridgenotes/protocol';

import type { MirrorCursors, PullOutcome, Refusal } from './mirror-state';
import {
  keepStorable,
  PageSettlement,
  upsertPost,
  same,
  type Candidate,
  type ProofToCheck,
  type Refuse,
} from './page-settlement';
import { unstorableNote } from './record-rules';

const MINUTE = 60_000;

/** What the moderation log copied from the origin says of a note the mirror does not hold yet. */
interface LoggedModeration {
  hidden: boolean;
  /** The message its REDACT entry recorded, when it was redacted. */
  redaction?: string;
}

/**
 * One page of the notes change feed: new notes (their proof, post, minute, replay) and
 * deletions (the author's proof) are checked, then stored with the page's settlement; a note
 * the mirror holds may only gain its proven deletion, never change. A note is stored hidden or
 * redacted as the origin's moderation log (copied before the notes) has it; a redacted one is
 * accepted only against the message its REDACT entry recorded.
 */
export class NotePageSettler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: ScoringOutbox,
    private readonly settlement: PageSettlement,
  ) {}

  async settle(
    mirror: Mirror,
    page: NoteRecord[],
    context: ActionCheckContext,
    verifier: ProofVerifier,
    cursors: MirrorCursors,
    outcome: PullOutcome,
    pending: readonly ModerationLogEntry[],
  ): Promise<void> {
    const communityId = mirror.communityId;
    const refusals: Refusal[] = [];
    const refuse: Refuse = (subject, code, message) =>
      void refusals.push({ stream: 'notes', subject, code, message });
    const storable = keepStorable(page, 'note', unstorableNote, refuse);
    const local = new Map(
      (
        await this.prisma.note.findMany({ where: { id: { in: storable.map((note) => note.id) } } })
      ).map((note) => [note.id, note]),
    );
    const logged = await this.moderationOf(
      communityId,
      storable.filter((note) => !local.has(note.id)).map((note) => note.id),
      pending,
    );
    const created: Candidate<
      NoteRecord & { message: string; key: PostKey; moderation?: LoggedModeration }
    >[] = [];
    const deleted: Candidate<NoteRecord>[] = [];
    const seen = new Set<string>();

    for (const record of storable) {
      const subject = `note ${record.id}`;
      const existing = local.get(record.id);
      if (existing) {
        if (existing.communityId !== communityId || !sameProvenNote(existing, record)) {
          // Its own proof usually says what is wrong (an edited payload); else it is another
          // proven note under a taken id.
          const action = noteCreateAction(communityId, record);
          const check =
            action && record.proof !== null
              ? checkRecordedAction(record.proof, action, record.authorPseudonym, context)
              : undefined;
          if (check && !check.ok) refuse(subject, check.code, check.message);
          else {
            refuse(
              subject,
              'NOTE_CHANGED',
              'the note differs from the one this mirror accepted earlier; a proven note cannot change',
            );
          }
        } else if (record.deletedAt === null && existing.deletedAt !== null) {
          refuse(`${subject} (deletion)`, 'DELETION_UNDONE', 'a proven deletion cannot be undone');
        } else if (record.deletedAt !== null && existing.deletedAt === null) {
          const proof = this.checkDeletion(communityId, record, context, refuse);
          if (proof) deleted.push({ record, proofs: [proof] });
        } else if (
          record.deletedAt !== null &&
          (existing.deletedAt?.toISOString() !== record.deletedAt ||
            !same(existing.deleteProof, record.deleteProof))
        ) {
          refuse(
            `${subject} (deletion)`,
            'DELETION_CHANGED',
            'the note was already deleted otherwise',
          );
        }
        continue;
      }
      const moderation = logged.get(record.id);
      if (record.redacted && moderation?.redaction === undefined) {
        refuse(
          subject,
          'REDACTION_UNLOGGED',
          "the note is redacted, but no REDACT entry of the origin's moderation log names it",
        );
        continue;
      }
      const action = record.redacted
        ? redactedNoteAction(record, moderation?.redaction as string)
        : noteCreateAction(communityId, record);
      if (!action || record.proof === null) {
        refuse(subject, 'NOTE_UNPROVEN', 'the note carries no proof that a member wrote it');
        continue;
      }
      const check = checkRecordedAction(record.proof, action, record.authorPseudonym, context);
      if (!check.ok) {
        refuse(subject, check.code, check.message);
        continue;
      }
      // Served before its redaction, the note is stored emptied, and from then on checked against
      // the REDACT entry's message: it must be the note's own, or its text is lost unproven.
      const redaction = record.redacted ? undefined : moderation?.redaction;
      if (redaction !== undefined && redaction !== check.message) {
        refuse(
          subject,
          'PROOF_MESSAGE',
          "the proof's message is not the one the moderation log's REDACT entry naming the note recorded",
        );
        continue;
      }
      const key = provenPostKey(record.postRef);
      if (!key || !noteShownOnProvenPost(record)) {
        refuse(
          subject,
          'NOTE_POST_MISMATCH',
          'the note is shown on another post than the one its author proved it for',
        );
        continue;
      }
      if (Date.parse(record.createdAt) !== action.clientMinute * MINUTE) {
        refuse(
          subject,
          'NOTE_TIME_MISMATCH',
          `createdAt is not the proven minute ${action.clientMinute}`,
        );
        continue;
      }
      const replay = `${record.authorPseudonym}|${check.message}`;
      if (seen.has(replay) || (await this.noteWithMessage(communityId, record, check.message))) {
        refuse(subject, 'NOTE_DUPLICATE', 'another note carries the same proven submission');
        continue;
      }
      seen.add(replay);
      const proofs = [{ subject, proof: check.proof }];
      const deletion =
        record.deletedAt === null
          ? undefined
          : this.checkDeletion(communityId, record, context, refuse);
      if (deletion) proofs.push(deletion);
      created.push({
        // A deletion that failed its checks is left out: the note is stored as not deleted.
        record: {
          ...record,
          ...(deletion ? {} : { deletedAt: null, deleteProof: null }),
          message: check.message,
          key,
          moderation,
        },
        proofs,
      });
    }

    const invalid = await this.settlement.groth16(verifier, [...created, ...deleted], refuse);
    const storedNotes = created.filter(({ proofs }) => !invalid.has(proofs[0] as ProofToCheck));
    const storedDeletions = deleted.filter(({ proofs }) => !invalid.has(proofs[0] as ProofToCheck));
    const last = page[page.length - 1] as NoteRecord;

    await this.settlement.commit(mirror.id, cursors, refusals, async (tx) => {
      for (const { record, proofs } of storedNotes) {
        // A deletion proof that failed Groth16 is dropped the same way as one that failed earlier.
        const deletionValid = proofs.length === 2 && !invalid.has(proofs[1] as ProofToCheck);
        const post = await upsertPost(tx, record.key);
        await tx.note.create({
          data: {
            id: record.id,
            communityId,
            postId: post.id,
            authorPseudonym: record.authorPseudonym,
            classification: record.classification as Note['classification'],
            reasons: record.reasons,
            text: record.text,
            sources: record.sources,
            proof: record.proof as unknown as Prisma.InputJsonObject,
            postRef: record.postRef as Prisma.InputJsonObject,
            clientMinute: record.clientMinute,
            message: record.message,
            createdAt: new Date(record.createdAt),
            hidden: record.moderation?.hidden ?? false,
            ...(record.moderation?.redaction !== undefined && {
              redacted: true,
              text: '',
              sources: [],
            }),
            ...(deletionValid && {
              deletedAt: new Date(record.deletedAt as string),
              deleteProof: record.deleteProof as unknown as Prisma.InputJsonObject,
            }),
          },
        });
      }
      for (const { record } of storedDeletions) {
        await tx.note.updateMany({
          where: { id: record.id, communityId, deletedAt: null },
          data: {
            deletedAt: new Date(record.deletedAt as string),
            deleteProof: record.deleteProof as unknown as Prisma.InputJsonObject,
          },
        });
      }
      const accepted = storedNotes.length + storedDeletions.length;
      if (accepted > 0) await this.outbox.record(tx, communityId, 'mirror.notes');
      return { notes: last.cursor };
    });
    outcome.accepted.notes += storedNotes.length + storedDeletions.length;
    outcome.refused += refusals.length;
  }

  private checkDeletion(
    communityId: string,
    record: NoteRecord,
    context: ActionCheckContext,
    refuse: Refuse,
  ): ProofToCheck | undefined {
    const subject = `note ${record.id} (deletion)`;
    const action = noteDeleteAction(communityId, record);
    if (!action || record.deleteProof === null) {
      refuse(subject, 'DELETION_UNPROVEN', "the note is marked deleted without its author's proof");
      return undefined;
    }
    // Proven by another pseudonym than the author's, it fails as PROOF_PSEUDONYM.
    const check = checkRecordedAction(record.deleteProof, action, record.authorPseudonym, context);
    if (!check.ok) {
      refuse(subject, check.code, check.message);
      return undefined;
    }
    return { subject, proof: check.proof };
  }

  /**
   * The end state of the log's entries on these notes: hidden or not, redacted or not. The log
   * held here, then the origin's entries this pull read and has not copied yet (`pending`,
   * chained onto it): those name notes not held, which they are copied after.
   */
  private async moderationOf(
    communityId: string,
    noteIds: string[],
    pending: readonly ModerationLogEntry[],
  ): Promise<Map<string, LoggedModeration>> {
    const targets = new Set(noteIds.map((id) => `note:${id}`));
    const held = await this.prisma.moderationLogEntry.findMany({
      where: { communityId, target: { in: [...targets] } },
      orderBy: { seq: 'asc' },
    });
    const states = new Map<string, LoggedModeration>();
    for (const entry of [...held, ...pending.filter((e) => targets.has(e.target))]) {
      const noteId = entry.target.slice('note:'.length);
      const state = states.get(noteId) ?? { hidden: false };
      if (entry.action === 'HIDE') state.hidden = true;
      if (entry.action === 'RESTORE') state.hidden = false;
      if (entry.action === 'REDACT' && entry.message !== null) state.redaction = entry.message;
      states.set(noteId, state);
    }
    return states;
  }

  private async noteWithMessage(
    communityId: string,
    record: NoteRecord,
    message: string,
  ): Promise<boolean> {
    const found = await this.prisma.note.findUnique({
      where: {
        communityId_authorPseudonym_message: {
          communityId,
          authorPseudonym: record.authorPseudonym,
          message,
        },
      },
      select: { id: true },
    });
    return found !== null && found.id !== record.id;
  }
}

/** The proven part of a note: what can never change once accepted. */
function sameProvenNote(stored: Note, record: NoteRecord): boolean {
  return (
    stored.authorPseudonym === record.authorPseudonym &&
    stored.classification === record.classification &&
    same(stored.reasons, record.reasons) &&
    stored.text === record.text &&
    same(stored.sources, record.sources) &&
    same(stored.postRef, record.postRef) &&
    stored.clientMinute === record.clientMinute &&
    stored.createdAt.toISOString() === record.createdAt &&
    same(stored.proof, record.proof)
  );
}
