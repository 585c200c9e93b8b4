import {
  PrismaService,
  ScoringOutbox,
  type Mirror,
  type Prisma,
  type Rating,
} from '@bridgenotes/database';
import {
  checkRecordedAction,
  ratingAction,
  type ActionCheckContext,
  type RatingRecord,
} from '@bridgenotes/open-data';
import type { ProofVerifier } from '@bridgenotes/protocol';

import type { MirrorCursors, PullOutcome, Refusal } from './mirror-state';
import {
  keepStorable,
  PageSettlement,
  same,
  type Candidate,
  type ProofToCheck,
  type Refuse,
} from './page-settlement';
import { unstorableRating } from './record-rules';

/**
 * One page of the ratings change feed: each rating must rate a note the mirror holds, not by
 * its author, once per note and rater, with a valid proof; a later minute replaces the one
 * kept. What passes is stored with the page's settlement.
 */
export class RatingPageSettler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: ScoringOutbox,
    private readonly settlement: PageSettlement,
  ) {}

  async settle(
    mirror: Mirror,
    page: RatingRecord[],
    context: ActionCheckContext,
    verifier: ProofVerifier,
    cursors: MirrorCursors,
    outcome: PullOutcome,
  ): Promise<void> {
    const communityId = mirror.communityId;
    const refusals: Refusal[] = [];
    const refuse: Refuse = (subject, code, message) =>
      void refusals.push({ stream: 'ratings', subject, code, message });
    const storable = keepStorable(page, 'rating', unstorableRating, refuse);
    const noteIds = [...new Set(storable.map((rating) => rating.noteId))];
    const notes = new Map(
      (
        await this.prisma.note.findMany({
          where: { id: { in: noteIds } },
          select: { id: true, communityId: true, authorPseudonym: true },
        })
      ).map((note) => [note.id, note]),
    );
    const byId = new Map(
      (await this.prisma.rating.findMany({ where: { id: { in: storable.map((r) => r.id) } } })).map(
        (rating) => [rating.id, rating],
      ),
    );
    const pairOf = (noteId: string, rater: string) => `${noteId}|${rater}`;
    const pairs = new Map(
      (
        await this.prisma.rating.findMany({
          where: {
            noteId: { in: noteIds },
            raterPseudonym: { in: [...new Set(storable.map((r) => r.raterPseudonym))] },
          },
          select: { id: true, noteId: true, raterPseudonym: true },
        })
      ).map((rating) => [pairOf(rating.noteId, rating.raterPseudonym), rating.id]),
    );
    const refusedNotes = new Set(
      (
        await this.prisma.mirrorRefusal.findMany({
          where: { mirrorId: mirror.id, subject: { in: noteIds.map((id) => `note ${id}`) } },
          select: { subject: true },
        })
      ).map((refusal) => refusal.subject),
    );

    const candidates: Candidate<RatingRecord & { replaces?: Rating }>[] = [];
    for (const record of storable) {
      const subject = `rating ${record.id}`;
      const note = notes.get(record.noteId);
      if (!note || note.communityId !== communityId) {
        if (refusedNotes.has(`note ${record.noteId}`)) {
          refuse(
            subject,
            'RATING_OF_REFUSED_NOTE',
            `rates note ${record.noteId}, which this mirror refused`,
          );
        } else {
          refuse(
            subject,
            'RATING_UNKNOWN_NOTE',
            `rates note ${record.noteId}, which the origin did not export`,
          );
        }
        continue;
      }
      const existing = byId.get(record.id);
      if (existing) {
        if (
          existing.communityId !== communityId ||
          existing.noteId !== record.noteId ||
          existing.raterPseudonym !== record.raterPseudonym
        ) {
          refuse(
            subject,
            'RATING_CHANGED',
            'the rating names another note or rater than the one this mirror accepted earlier',
          );
          continue;
        }
        if (sameRating(existing, record)) continue;
      } else {
        const pair = pairOf(record.noteId, record.raterPseudonym);
        if (pairs.has(pair)) {
          refuse(subject, 'RATING_DUPLICATE', 'a second rating of this note by the same pseudonym');
          continue;
        }
        pairs.set(pair, record.id);
      }
      if (record.raterPseudonym === note.authorPseudonym) {
        refuse(subject, 'SELF_RATING', "the note's author rated it");
        continue;
      }
      const check = checkRecordedAction(
        record.proof,
        ratingAction(communityId, record),
        record.raterPseudonym,
        context,
      );
      if (!check.ok) {
        refuse(subject, check.code, check.message);
        continue;
      }
      if (existing && record.clientMinute <= existing.clientMinute) {
        refuse(
          subject,
          'RATING_OUTDATED',
          'only a rating with a later minute replaces one; this one is not later than the one kept',
        );
        continue;
      }
      candidates.push({
        record: { ...record, replaces: existing },
        proofs: [{ subject, proof: check.proof }],
      });
    }

    const invalid = await this.settlement.groth16(verifier, candidates, refuse);
    const stored = candidates.filter(({ proofs }) => !invalid.has(proofs[0] as ProofToCheck));
    const inserts = stored.filter(({ record }) => !record.replaces).map(({ record }) => record);
    const replacements = stored.filter(({ record }) => record.replaces).map(({ record }) => record);
    const last = page[page.length - 1] as RatingRecord;

    await this.settlement.commit(mirror.id, cursors, refusals, async (tx) => {
      if (inserts.length > 0) {
        await tx.rating.createMany({
          data: inserts.map((rating) => ({
            id: rating.id,
            communityId,
            noteId: rating.noteId,
            raterPseudonym: rating.raterPseudonym,
            helpfulness: rating.helpfulness,
            tags: rating.tags,
            clientMinute: rating.clientMinute,
            proof: rating.proof as unknown as Prisma.InputJsonObject,
          })),
        });
      }
      for (const rating of replacements) {
        await tx.rating.updateMany({
          where: { id: rating.id, clientMinute: { lt: rating.clientMinute } },
          data: {
            helpfulness: rating.helpfulness,
            tags: rating.tags,
            clientMinute: rating.clientMinute,
            proof: rating.proof as unknown as Prisma.InputJsonObject,
          },
        });
      }
      if (stored.length > 0) await this.outbox.record(tx, communityId, 'mirror.ratings');
      return { ratings: last.cursor };
    });
    outcome.accepted.ratings += stored.length;
    outcome.refused += refusals.length;
  }
}

function sameRating(stored: Rating, record: RatingRecord): boolean {
  return (
    stored.clientMinute === record.clientMinute &&
    stored.helpfulness === record.helpfulness &&
    same(stored.tags, record.tags) &&
    same(stored.proof, record.proof)
  );
}
