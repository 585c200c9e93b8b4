// About 570 lines: a note's whole life (write with its checks, sealing from the write
// buffer, deletion sealed too, and the reads of notes by post and of notes needing ratings) shares the
// post cache and the pseudonym checks; the reads are the next seam to split along.
import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  lockNoteForChange,
  Note,
  NoteStatus,
  NoteStatusChange,
  Prisma,
  PrismaService,
  ScoringOutbox,
} from '@bridgenotes/database';
import { JsonValue } from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import type { CommunityKey } from '../communities/communities.service';
import {
  decodeCountCursor,
  decodeCursor,
  encodeCountCursor,
  encodeCursor,
  Page,
  pageOf,
} from '../common/cursor';
import { SiblingProcesses } from '../common/sibling-processes';
import { ActionProofsService, type ProofClaim } from '../membership/action-proofs.service';
import { StandingService } from '../standing/standing.service';
import { CreateNoteDto, DeleteNoteDto, PostRefDto } from './dto/note-input.dto';
import type { NeedingRatingsOrder } from './dto/note-params.dto';
import { checkNoteContent } from './note-rules';
import { PostResponseCache } from './post-responses';
import { type PostKey, PostsService } from './posts.service';
import { assertUnderQuota, countTowardsQuota, quotaDay } from './pseudonym-quotas';
import { Sealer } from '../sealing/sealer.service';
import { type SealedEntry, WriteBuffer } from '../sealing/write-buffer.service';
import { randomUUID } from 'node:crypto';

export type NoteWithCount = Note & { _count: { ratings: number } };

/** A note waiting for ratings, with the number of requests for a note on its post. */
export type RequestedNote = NoteWithCount & { postRequestCount: number };

const HISTORY_LIMIT = 100;

const WITH_COUNT = { _count: { select: { ratings: true } } } as const;

/** A note waiting in the write buffer: what it will store, and the day its quota counts on. */
interface BufferedNote {
  id: string;
  postKey: PostKey;
  postId: string;
  authorPseudonym: string;
  classification: Note['classification'];
  reasons: string[];
  text: string;
  sources: string[];
  proof: Prisma.JsonObject;
  postRef: JsonValue;
  clientMinute: number;
  message: string;
  day: number;
}

/** A note's deletion waiting in the write buffer: what it will store. */
interface BufferedDeletion {
  noteId: string;
  clientMinute: number;
  proof: Prisma.JsonObject;
}

/** The dedupe key of a note's deletion: one waits per note. */
export const deletionKey = (noteId: string) => `d:${noteId}`;

/**
 * The note a buffered write will store, as it will read once sealed: as `seal` writes it, the
 * rest at the columns' defaults (neither hidden nor redacted: no moderator acts on a waiting note).
 */
function unsealedNote(communityId: string, note: BufferedNote): NoteWithCount {
  return {
    id: note.id,
    communityId,
    postId: note.postId,
    authorPseudonym: note.authorPseudonym,
    classification: note.classification,
    reasons: note.reasons,
    text: note.text,
    sources: note.sources,
    status: NoteStatus.NEEDS_MORE_RATINGS,
    createdAt: new Date(note.clientMinute * 60_000),
    deletedAt: null,
    hidden: false,
    redacted: false,
    proof: note.proof,
    postRef: note.postRef,
    clientMinute: note.clientMinute,
    message: note.message,
    deleteProof: null,
    score: null,
    scoredRunId: null,
    changedBatch: 0n,
    statusHistory: null,
    previousStatusHistory: null,
    _count: { ratings: 0 },
  };
}

export const noteNotFound = (community: CommunityKey, noteId: string) =>
  ApiError.of('NOTE_NOT_FOUND', noteId, community.slug);

/**
 * A note answered to its author's resend or replay. A hidden note is not shown anywhere
 * (docs/moderation.md), nor to its author: not found, an answer the widget takes as final (it
 * proves no new copy, as it would after PROOF_STALE; libs/widget proven-writes.ts).
 */
const shown = (community: CommunityKey, note: NoteWithCount): NoteWithCount => {
  if (note.hidden) throw noteNotFound(community, note.id);
  return note;
};

/** The post as submitted, without absent fields: exactly what the author's proof covers. */
export function postPayload(post: PostRefDto): { [key: string]: JsonValue } {
  return Object.fromEntries(Object.entries(post).filter(([, value]) => value !== undefined)) as {
    [key: string]: JsonValue;
  };
}

const POST_READS_CHANGED = 'post-reads-changed';

@Injectable()
export class NotesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: ScoringOutbox,
    private readonly proofs: ActionProofsService,
    private readonly posts: PostsService,
    private readonly postResponses: PostResponseCache,
    private readonly siblings: SiblingProcesses,
    private readonly env: Environment,
    private readonly standing: StandingService,
    private readonly buffer: WriteBuffer,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
  ) {
    siblings.on(POST_READS_CHANGED, () => postResponses.clear());
    buffer.register<BufferedNote>('note', (tx, entries) => this.seal(tx, entries));
    buffer.register<BufferedDeletion>('deletion', (tx, entries) => this.sealDeletions(tx, entries));
  }

  /**
   * Writes a note as the pseudonym that proved it. Submitting the same proven note again answers
   * the existing note (`created: false`) instead of writing a copy: its very proof, stored or
   * waiting, however long ago it was made (`ActionProofsService.resent`), or a new valid proof of
   * the same note (the same minute) while that proof is current.
   */
  async create(
    community: CommunityKey,
    input: CreateNoteDto,
  ): Promise<{ note: NoteWithCount; created: boolean }> {
    const key = this.posts.keyOf(input.post);
    checkNoteContent(input);
    const post = postPayload(input.post);
    const action = {
      kind: 'note.create',
      target: '',
      payload: {
        post,
        classification: input.classification,
        reasons: input.reasons,
        text: input.text,
        sources: input.sources,
      },
      clientMinute: input.clientMinute,
    };
    const resent = await this.proofs.resent(community, action, input.proof, (claim) =>
      this.kept(community.id, claim),
    );
    if (resent) return { note: shown(community, resent), created: false };
    const pseudonym = await this.proofs.verify(community, action, input.proof);
    const message = String(input.proof['message']);
    const existing = () => this.stored(community.id, { pseudonym, message });
    const replayed = await existing();
    if (replayed) return { note: shown(community, replayed), created: false };
    // Earned standing (earn-in, writing lock) is the author's pseudonym's: known only now.
    await this.standing.assertMayWrite(community, pseudonym);
    const dedupeKey = `n:${community.id}:${pseudonym}:${message}`;
    const pending: BufferedNote = {
      id: randomUUID(),
      postKey: key,
      postId: await this.posts.idOf(key),
      authorPseudonym: pseudonym,
      classification: input.classification,
      reasons: input.reasons,
      text: input.text,
      sources: input.sources,
      proof: input.proof as Prisma.JsonObject,
      postRef: post,
      clientMinute: input.clientMinute,
      message,
      // The day it counts on, read once: the quota is checked and counted on the same day.
      day: quotaDay(this.clock.now()),
    };
    const buffered = await this.buffer.submit(
      `quota:${community.id}:${pseudonym}`,
      async (tx) => {
        if (
          await tx.note.findUnique({
            where: {
              communityId_authorPseudonym_message: {
                communityId: community.id,
                authorPseudonym: pseudonym,
                message,
              },
            },
            select: { id: true },
          })
        ) {
          return false;
        }
        const waiting = await this.buffer.waiting<BufferedNote>(
          tx,
          community.id,
          'note',
          `n:${community.id}:${pseudonym}:`,
        );
        // A resent note that waits is a replay, answered below as that note: not counted again.
        if (waiting.some((note) => note.message === message)) return false;
        const today = waiting.filter((note) => note.day === pending.day).length;
        await assertUnderQuota(
          tx,
          community,
          pseudonym,
          'notes',
          this.env.NOTES_PER_DAY,
          pending.day,
          today,
        );
      },
      { communityId: community.id, kind: 'note', actor: pseudonym, dedupeKey, payload: pending },
    );
    if (!buffered) {
      // The same submission raced itself: the other request buffered it.
      const [waiting] = await this.buffer.waiting<BufferedNote>(
        this.prisma,
        community.id,
        'note',
        dedupeKey,
      );
      const stored = await existing();
      if (stored) return { note: shown(community, stored), created: false };
      if (waiting) return { note: unsealedNote(community.id, waiting), created: false };
    }
    await this.sealer.afterSubmit(community.id);
    if (this.sealer.immediate) {
      this.forgetPostReads();
      return { note: (await existing()) ?? unsealedNote(community.id, pending), created: true };
    }
    return { note: unsealedNote(community.id, pending), created: true };
  }

  /**
   * The note a proof claims to have written, with the proof it was accepted with: waiting in the
   * buffer, else stored (hidden or not: `create` answers a hidden one as not found, once the
   * proof is known to be the very one). Read in that order, a sealing between the two reads finds
   * it in the second, never in neither; both are always read, one after the other (not at once,
   * which would lose that order), so the answer's time does not tell whether a note waits unsealed.
   */
  private async kept(communityId: string, claim: ProofClaim) {
    const waiting = await this.buffer.waiting<BufferedNote>(
      this.prisma,
      communityId,
      'note',
      `n:${communityId}:${claim.pseudonym}:${claim.message}`,
    );
    const stored = await this.stored(communityId, claim);
    const pending = waiting.find((note) => note.message === claim.message);
    if (pending) return { write: unsealedNote(communityId, pending), proof: pending.proof };
    return stored ? { write: stored, proof: stored.proof } : undefined;
  }

  /** The note a pseudonym stored with a proven message (unique per community, author and message). */
  private stored(communityId: string, { pseudonym, message }: ProofClaim) {
    return this.prisma.note.findUnique({
      where: {
        communityId_authorPseudonym_message: { communityId, authorPseudonym: pseudonym, message },
      },
      include: WITH_COUNT,
    });
  }

  /**
   * Stores a batch's notes, each with its post, its rescoring request and its count towards the
   * author's daily quota. A note stored meanwhile (the same submission, sealed in an earlier
   * batch) is skipped.
   */
  private async seal(tx: Prisma.TransactionClient, entries: SealedEntry<BufferedNote>[]) {
    for (const { communityId, payload: note } of entries) {
      const post = await this.posts.upsert(tx, note.postKey, note.postId);
      const { count } = await tx.note.createMany({
        data: {
          id: note.id,
          communityId,
          postId: post.id,
          authorPseudonym: note.authorPseudonym,
          classification: note.classification,
          reasons: note.reasons,
          text: note.text,
          sources: note.sources,
          proof: note.proof,
          postRef: note.postRef as Prisma.InputJsonObject,
          clientMinute: note.clientMinute,
          message: note.message,
          createdAt: new Date(note.clientMinute * 60_000),
        },
        skipDuplicates: true,
      });
      if (count === 0) continue;
      await this.outbox.record(tx, communityId, 'note.created');
      await countTowardsQuota(
        tx,
        communityId,
        note.authorPseudonym,
        'notes',
        note.day,
        this.env.NOTES_PER_DAY,
      );
    }
    if (entries.length > 0) this.forgetPostReads();
  }

  /**
   * Only the author deletes, by proving the same pseudonym; the note and its ratings stay in the
   * data. A note hidden by a moderator is not found, and not deleted: also when the hide commits
   * while the proof is checked (seconds), which the note's change lock orders against the deletion.
   * So is a BLOCK of the author committed meanwhile: refused as the proof check refuses one.
   *
   * A proven write like the others (docs/threat-model.md): it goes through the write buffer and is
   * stored, with its rescoring request, by the batch that seals it, so no time finer than the
   * batch's is kept or published of it (the run it starts is requested after the batch). Answered
   * with the note as it will be stored; once answered, the note takes no new rating
   * (`RatingsService`). Sent again, waiting or stored, it is answered the same and stored once.
   */
  async delete(
    community: CommunityKey,
    noteId: string,
    input: DeleteNoteDto,
  ): Promise<NoteWithCount> {
    const note = await this.get(community, noteId);
    const pseudonym = await this.proofs.verify(
      community,
      {
        kind: 'note.delete',
        target: `note:${noteId}`,
        payload: {},
        clientMinute: input.clientMinute,
      },
      input.proof,
    );
    if (pseudonym !== note.authorPseudonym) {
      throw ApiError.of('NOT_AUTHOR');
    }
    const dedupeKey = deletionKey(note.id);
    const pending: BufferedDeletion = {
      noteId: note.id,
      clientMinute: input.clientMinute,
      proof: input.proof as Prisma.JsonObject,
    };
    // The author's block was read again by `submit`, under the pseudonym's lock, before this
    // takes the note's: the order a rating's submission takes them in.
    await this.buffer.submit(
      dedupeKey,
      async (tx) => {
        // After the ratings being buffered for it; none is buffered once its deletion waits.
        await lockNoteForChange(tx, note.id);
        // Read again under the lock a hide takes too: one committed since the read above is seen.
        const locked = await tx.note.findUnique({
          where: { id: note.id },
          select: { hidden: true, deletedAt: true },
        });
        if (!locked || locked.hidden) throw noteNotFound(community, noteId);
        // Deleted, or its deletion waits: nothing more to store (the first one is answered).
        if (locked.deletedAt) return false;
        const waiting = await this.buffer.waiting(tx, community.id, 'deletion', dedupeKey);
        if (waiting.length > 0) return false;
      },
      {
        communityId: community.id,
        kind: 'deletion',
        actor: pseudonym,
        dedupeKey,
        payload: pending,
      },
    );
    await this.sealer.afterSubmit(community.id);
    // Sealed in its request: forgotten again once committed (the batch forgot the post reads
    // before its commit, when a read could still cache the note undeleted), as a new note is.
    if (this.sealer.immediate) this.forgetPostReads();
    // Its deletion waiting, the note as the batch will store it; else as stored.
    const [waiting] = await this.buffer.waiting<BufferedDeletion>(
      this.prisma,
      community.id,
      'deletion',
      dedupeKey,
    );
    const current = await this.get(community, noteId);
    if (!waiting || current.deletedAt) return current;
    return {
      ...current,
      deletedAt: new Date(waiting.clientMinute * 60_000),
      deleteProof: waiting.proof,
    };
  }

  /**
   * Stores a batch's deletions, each with its rescoring request. A note hidden since its deletion
   * was answered is deleted all the same (the author took it back while it was shown). Takes the
   * note's row (its update's lock), not its change lock: no rating is buffered while a batch is
   * sealed (the sealing lock), and a hide or redaction holding the row ends without waiting for
   * the batch (a redaction takes the change counter, which the batch holds, before it touches
   * the note: `ModerationLogStore`). A scoring publication holding the row holds the batch until
   * it commits.
   */
  private async sealDeletions(
    tx: Prisma.TransactionClient,
    entries: SealedEntry<BufferedDeletion>[],
  ) {
    for (const { communityId, payload: deletion } of entries) {
      // Conditional: a deletion sealed already (the same note's) records nothing again.
      const { count } = await tx.note.updateMany({
        where: { id: deletion.noteId, deletedAt: null },
        data: {
          deletedAt: new Date(deletion.clientMinute * 60_000),
          deleteProof: deletion.proof,
        },
      });
      if (count === 1) await this.outbox.record(tx, communityId, 'note.deleted');
    }
    if (entries.length > 0) this.forgetPostReads();
  }

  /** After a write through this process that changes what a post read shows. */
  forgetPostReads(): void {
    this.postResponses.clear();
    this.siblings.tell(POST_READS_CHANGED);
  }

  async get(community: CommunityKey, noteId: string): Promise<NoteWithCount> {
    // A hidden note is not shown anywhere (docs/moderation.md): as if it did not exist.
    const note = await this.prisma.note.findFirst({
      where: { id: noteId, communityId: community.id, hidden: false },
      include: WITH_COUNT,
    });
    if (!note) throw noteNotFound(community, noteId);
    return note;
  }

  /** The latest published status changes of a note, oldest first. */
  async statusHistory(noteId: string): Promise<NoteStatusChange[]> {
    const latest = await this.prisma.noteStatusChange.findMany({
      where: { noteId },
      orderBy: [{ changedAt: 'desc' }, { id: 'desc' }],
      take: HISTORY_LIMIT,
    });
    return latest.reverse();
  }

  /**
   * A post's live notes, helpful ones first; all communities unless one is named. The hottest
   * read of the service (every page view of an embedding site), so its answers are cached for a
   * second (PostResponseCache): statuses change at most once per scoring run; notes written or
   * deleted through this machine's API processes show at once, through an instance on another
   * machine up to a second late.
   */
  async ofPost(ref: PostRefDto, communityId?: string) {
    const key = this.posts.keyOf(ref);
    const post = await this.prisma.post.findUnique({ where: this.posts.where(key) });
    if (!post) throw ApiError.of('POST_NOT_FOUND');
    const inCommunity = communityId ? { communityId } : {};
    const [notes, requests] = await Promise.all([
      this.prisma.note.findMany({
        where: { postId: post.id, deletedAt: null, hidden: false, ...inCommunity },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        include: WITH_COUNT,
      }),
      this.prisma.postRequestCount.aggregate({
        where: { postId: post.id, ...inCommunity },
        _sum: { count: true },
      }),
    ]);
    const helpfulFirst = [
      ...notes.filter((note) => note.status === NoteStatus.CURRENTLY_RATED_HELPFUL),
      ...notes.filter((note) => note.status !== NoteStatus.CURRENTLY_RATED_HELPFUL),
    ];
    return { post, requestCount: requests._sum.count ?? 0, notes: helpfulFirst };
  }

  /**
   * Notes still waiting for enough ratings, by keyset pagination: oldest first, or those on the
   * posts most requested in the community first (ties by id). A page is consistent with the
   * counts at the moment it is read; a count that grows between pages can move a note to a
   * place already passed, as in any keyset list over a changing key.
   */
  needingRatings(
    community: CommunityKey,
    order: NeedingRatingsOrder,
    limit: number,
    cursor?: string,
  ): Promise<Page<RequestedNote>> {
    return order === 'most-requested'
      ? this.mostRequested(community, limit, cursor)
      : this.oldestFirst(community, limit, cursor);
  }

  private async oldestFirst(community: CommunityKey, limit: number, cursor?: string) {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.prisma.note.findMany({
      where: {
        communityId: community.id,
        status: NoteStatus.NEEDS_MORE_RATINGS,
        deletedAt: null,
        hidden: false,
        ...(after && {
          OR: [{ createdAt: { gt: after.at } }, { createdAt: after.at, id: { gt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit + 1,
      include: WITH_COUNT,
    });
    const counts = await this.prisma.postRequestCount.findMany({
      where: { communityId: community.id, postId: { in: [...new Set(rows.map((n) => n.postId))] } },
    });
    const byPost = new Map(counts.map((row) => [row.postId, row.count]));
    const notes = rows.map((note) => ({ ...note, postRequestCount: byPost.get(note.postId) ?? 0 }));
    return pageOf(notes, limit, (note) => encodeCursor({ at: note.createdAt, id: note.id }));
  }

  private async mostRequested(community: CommunityKey, limit: number, cursor?: string) {
    const after = cursor === undefined ? undefined : decodeCountCursor(cursor);
    // The order needs the join, which Prisma's query builder cannot sort by: pick the page's ids
    // here, then load those notes as every other list does.
    const picked = await this.prisma.$queryRaw<{ id: string; count: number }[]>`
      SELECT n.id, COALESCE(c.count, 0) AS count
        FROM notes n
        LEFT JOIN post_request_counts c ON c.community_id = n.community_id AND c.post_id = n.post_id
       WHERE n.community_id = ${community.id}::uuid
         AND n.status = 'NEEDS_MORE_RATINGS' AND n.deleted_at IS NULL AND NOT n.hidden
         ${
           after
             ? Prisma.sql`AND (COALESCE(c.count, 0) < ${after.count}
                  OR (COALESCE(c.count, 0) = ${after.count} AND n.id > ${after.id}::uuid))`
             : Prisma.empty
         }
       ORDER BY COALESCE(c.count, 0) DESC, n.id ASC
       LIMIT ${limit + 1}`;
    const loaded = await this.prisma.note.findMany({
      where: { id: { in: picked.map((row) => row.id) } },
      include: WITH_COUNT,
    });
    const byId = new Map(loaded.map((note) => [note.id, note]));
    const notes = picked.flatMap((row) => {
      const note = byId.get(row.id);
      return note ? [{ ...note, postRequestCount: row.count }] : [];
    });
    return pageOf(notes, limit, (note) =>
      encodeCountCursor({ count: note.postRequestCount, id: note.id }),
    );
  }
}
