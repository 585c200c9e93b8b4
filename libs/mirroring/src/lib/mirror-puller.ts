import { Injectable } from '@nestjs/common';
import {
  loadTreeNodes,
  Mirror,
  Note,
  NoteStatus,
  Prisma,
  PrismaService,
  Rating,
  saveTreeNodes,
} from '@bridgenotes/database';
import {
  checkRecordedAction,
  exportClient,
  noteCreateAction,
  noteDeleteAction,
  noteShownOnProvenPost,
  provenPostKey,
  ratingAction,
  RootIndex,
  type ActionCheckContext,
  type ExportClient,
  type ExportRecords,
  type ExportStream,
  type MemberRecord,
  type NoteRecord,
  type PostKey,
  type RatingRecord,
  type RootRecord,
} from '@bridgenotes/open-data';
import {
  appendLeaves,
  communityScope,
  createProofVerifier,
  nodesNeededToAppend,
  nodesNeededToUpdate,
  updateLeaf,
  type ProofJson,
  type ProofVerifier,
  type TreeChange,
} from '@bridgenotes/protocol';

import {
  MirrorPullError,
  type MirrorCursors,
  type MirrorStream,
  type OriginRules,
  type PullOutcome,
  type Refusal,
} from './mirror-state';
import { leafOf, unstorableNote, unstorableRating } from './record-rules';

type Tx = Prisma.TransactionClient;

/** Notes and ratings per page: one page is verified, then settled in one transaction. */
const PAGE = 500;
const MEMBERSHIP_PAGE = 5_000;
const ORIGIN_TIMEOUT_MS = 30_000;
const MINUTE = 60_000;
const RESULTS_CHUNK = 5_000;
const TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

/** Equal as JSON whatever the key order (jsonb does not keep it). */
const stableJson = (value: unknown): string =>
  JSON.stringify(value ?? null, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

interface ProofToCheck {
  subject: string;
  proof: ProofJson;
}

/** One record's verdict once every cheap check passed: what to store if its proofs verify. */
interface Candidate<T> {
  record: T;
  proofs: ProofToCheck[];
}

/**
 * Follows one community of another instance. A pull reads each export stream from where the
 * last one stopped, checks every record as `bridgenotes verify` does (the root history rebuilt
 * from the published members, every proof's form, scope, message, pseudonym, root at its
 * minute and Groth16 equation, the instance's rules) BEFORE storing anything, stores what passed
 * with the cursor advance in one transaction per page, and records what failed (which, and
 * why) without storing it: what the mirror had stays. Scoring is left to this instance's own
 * worker, asked for through the scoring outbox like any accepted write.
 */
@Injectable()
export class MirrorPuller {
  constructor(private readonly prisma: PrismaService) {}

  /** Pulls once; undefined when the mirror is gone or stopped. */
  async pull(mirrorId: string, fetcher?: typeof fetch): Promise<PullOutcome | undefined> {
    const mirror = await this.prisma.mirror.findUnique({ where: { id: mirrorId } });
    if (!mirror || mirror.stoppedAt) return undefined;
    const client = exportClient(mirror.originUrl, mirror.originSlug, {
      timeoutMs: ORIGIN_TIMEOUT_MS,
      fetcher,
    });
    const startedAt = new Date();
    try {
      const outcome = await this.sync(mirror, client, fetcher ?? fetch);
      await this.prisma.mirror.update({
        where: { id: mirror.id },
        data: { lastPullAt: startedAt, lastSuccessAt: new Date(), lastError: null },
      });
      return outcome;
    } catch (error) {
      await this.prisma.mirror.update({
        where: { id: mirror.id },
        data: { lastPullAt: startedAt, lastError: (error as Error).message.slice(0, 2_000) },
      });
      throw error;
    }
  }

  private async sync(mirror: Mirror, client: ExportClient, fetcher: typeof fetch) {
    const manifest = await client.manifest();
    const { id, scope } = manifest.community;
    if (id !== mirror.communityId || scope !== communityScope(mirror.communityId).toString()) {
      throw new MirrorPullError(
        `${client.location} now serves community ${id}, not ${mirror.communityId}: nothing pulled`,
      );
    }
    const rules: OriginRules = {
      rootHistoryWindowSeconds: manifest.rules.rootHistoryWindowSeconds,
      clockSkewMinutes: manifest.rules.clockSkewMinutes,
    };
    if (!same(rules, mirror.originRules)) {
      await this.prisma.mirror.update({
        where: { id: mirror.id },
        data: { originRules: { ...rules } },
      });
    }
    const outcome: PullOutcome = {
      accepted: { roots: 0, members: 0, notes: 0, ratings: 0 },
      refused: 0,
    };
    const cursors = { ...(mirror.cursors as MirrorCursors) };
    // Read after the horizon was taken: every root a change below it was proven against is
    // committed by now, so its proofs find their roots.
    await this.pullMembership(mirror, client, cursors, outcome);
    const context: ActionCheckContext = {
      scope: BigInt(scope),
      roots: await this.rootIndex(mirror.communityId, rules),
      clockSkewMinutes: rules.clockSkewMinutes,
    };
    const verifier = createProofVerifier(0);
    try {
      const horizon = manifest.changeHorizon;
      // Notes first: a rating changed below the horizon rates a note changed below it.
      for (const stream of ['notes', 'ratings'] as const) {
        for (;;) {
          const page = await client.page(stream, {
            after: cursors[stream],
            limit: PAGE,
            order: 'changes',
            before: horizon,
          });
          if (page.length === 0) break;
          if (stream === 'notes') {
            await this.settleNotes(
              mirror,
              page as NoteRecord[],
              context,
              verifier,
              cursors,
              outcome,
            );
          } else {
            await this.settleRatings(
              mirror,
              page as RatingRecord[],
              context,
              verifier,
              cursors,
              outcome,
            );
          }
          if (page.length < PAGE) break;
        }
      }
    } finally {
      await verifier.close();
    }
    outcome.originRunFetched = await this.pullOriginResults(mirror, client, fetcher);
    return outcome;
  }

  // ---- membership -------------------------------------------------------------------------

  /**
   * New roots are accepted in history order, each only if replaying the published admissions
   * (by leaf) or the next removal (by time) onto the tree the mirror holds gives exactly that
   * root. The first root that does not is refused with everything after it (all later roots
   * build on it); the tree stays as it was before it.
   */
  private async pullMembership(
    mirror: Mirror,
    client: ExportClient,
    cursors: MirrorCursors,
    outcome: PullOutcome,
  ): Promise<void> {
    const roots = await this.readAll(client, 'roots', cursors.roots);
    if (roots.length === 0) return;
    const newMembers = await this.readAll(client, 'members', cursors.members);
    const { treeSize } = await this.prisma.community.findUniqueOrThrow({
      where: { id: mirror.communityId },
      select: { treeSize: true },
    });
    let size = treeSize;
    let removals = false;
    for (const root of roots) {
      if (root.size <= size) removals = true;
      size = Math.max(size, root.size);
    }
    // Removals change existing members: only a full read shows them (rare, and small records).
    const everyone = removals ? await this.readAll(client, 'members', undefined) : [];
    const communityId = mirror.communityId;
    const refusals: Refusal[] = [];
    const moved: MirrorCursors = {};

    await this.prisma.$transaction(async (tx) => {
      const [tree] = await tx.$queryRaw<[{ tree_size: number }]>`
        SELECT tree_size FROM communities WHERE id = ${communityId}::uuid FOR UPDATE`;
      const locallyRemoved = new Set(
        (
          await tx.member.findMany({
            where: { communityId, removedAt: { not: null } },
            select: { leafIndex: true },
          })
        ).map((member) => member.leafIndex),
      );
      const pendingRemovals = everyone
        .filter((member) => member.removedAt !== null && !locallyRemoved.has(member.leafIndex))
        .sort((a, b) => Date.parse(a.removedAt as string) - Date.parse(b.removedAt as string));
      const byLeaf = new Map(newMembers.map((member) => [member.leafIndex, member]));
      let current = tree.tree_size;
      for (const root of roots) {
        const refuse = (code: string, message: string) =>
          void refusals.push({ stream: 'roots', subject: `root ${root.root}`, code, message });
        let change: TreeChange;
        let added: MemberRecord[] = [];
        let removed: MemberRecord | undefined;
        if (root.size > current) {
          added = Array.from({ length: root.size - current }, (_, offset) =>
            byLeaf.get(current + offset),
          ).filter((member): member is MemberRecord => member !== undefined);
          if (added.length !== root.size - current) {
            refuse(
              'ROOT_NOT_FROM_MEMBERS',
              `root of ${root.size} leaves at ${root.createdAt}, but the published members do not fill leaves ${current} to ${root.size - 1}`,
            );
            break;
          }
          const leaves = added.map((member) => leafOf(member.commitment));
          const known = await tx.member.count({
            where: { communityId, commitment: { in: added.map((member) => member.commitment) } },
          });
          if (leaves.some((leaf) => leaf === undefined)) {
            refuse('MEMBER_INVALID', 'a published commitment is not a non-zero field element');
            break;
          }
          if (
            known > 0 ||
            new Set(added.map((member) => member.commitment)).size !== added.length
          ) {
            refuse('MEMBER_DUPLICATE', 'a published commitment was admitted twice');
            break;
          }
          const stored = await loadTreeNodes(
            tx,
            communityId,
            nodesNeededToAppend(current, leaves.length),
          );
          change = appendLeaves(current, leaves as bigint[], stored);
        } else if (root.size === current && pendingRemovals.length > 0) {
          removed = pendingRemovals.shift() as MemberRecord;
          const stored = await loadTreeNodes(
            tx,
            communityId,
            nodesNeededToUpdate(current, removed.leafIndex),
          );
          change = updateLeaf(current, removed.leafIndex, 0n, stored);
        } else {
          refuse(
            'ROOT_NOT_FROM_MEMBERS',
            `root of ${root.size} leaves at ${root.createdAt} follows no published admission or removal`,
          );
          break;
        }
        if (change.root.toString() !== root.root) {
          refuse(
            'ROOT_NOT_FROM_MEMBERS',
            `the published members give ${change.root} at ${root.createdAt}, not this root`,
          );
          break;
        }
        await this.applyRoot(tx, communityId, root, change, added, removed);
        current = change.size;
        moved.roots = root.cursor;
        if (added.length > 0) moved.members = (added[added.length - 1] as MemberRecord).cursor;
        outcome.accepted.roots += 1;
        outcome.accepted.members += added.length;
      }
      await this.settle(tx, mirror.id, cursors, moved, refusals);
    }, TRANSACTION);
    Object.assign(cursors, moved);
    outcome.refused += refusals.length;
  }

  private async applyRoot(
    tx: Tx,
    communityId: string,
    root: RootRecord,
    change: TreeChange,
    added: MemberRecord[],
    removed: MemberRecord | undefined,
  ): Promise<void> {
    await saveTreeNodes(tx, communityId, change);
    const at = new Date(root.createdAt);
    await tx.$executeRaw`
      UPDATE communities SET tree_size = ${change.size}, tree_root = ${root.root}, updated_at = now()
       WHERE id = ${communityId}::uuid`;
    await tx.$executeRaw`
      UPDATE group_roots SET superseded_at = ${at}
       WHERE community_id = ${communityId}::uuid AND superseded_at IS NULL`;
    await tx.$executeRaw`
      INSERT INTO group_roots (id, community_id, root, size, created_at)
      VALUES (gen_random_uuid(), ${communityId}::uuid, ${root.root}, ${change.size}, ${at})`;
    if (added.length > 0) {
      await tx.member.createMany({
        data: added.map((member) => ({
          communityId,
          commitment: member.commitment,
          leafIndex: member.leafIndex,
        })),
      });
    }
    if (removed) {
      await tx.member.updateMany({
        where: { communityId, leafIndex: removed.leafIndex },
        data: { removedAt: new Date(removed.removedAt as string) },
      });
    }
  }

  private async rootIndex(communityId: string, rules: OriginRules): Promise<RootIndex> {
    const roots = await this.prisma.groupRoot.findMany({
      where: { communityId },
      select: { root: true, createdAt: true, supersededAt: true },
    });
    return new RootIndex(
      roots.map((root) => ({
        root: root.root,
        createdAt: root.createdAt.toISOString(),
        supersededAt: root.supersededAt?.toISOString() ?? null,
      })),
      rules.rootHistoryWindowSeconds * 1_000,
    );
  }

  // ---- notes ------------------------------------------------------------------------------

  private async settleNotes(
    mirror: Mirror,
    page: NoteRecord[],
    context: ActionCheckContext,
    verifier: ProofVerifier,
    cursors: MirrorCursors,
    outcome: PullOutcome,
  ): Promise<void> {
    const communityId = mirror.communityId;
    const refusals: Refusal[] = [];
    const refuse = (subject: string, code: string, message: string) =>
      void refusals.push({ stream: 'notes', subject, code, message });
    const storable = keepStorable(page, 'note', unstorableNote, refuse);
    const local = new Map(
      (
        await this.prisma.note.findMany({ where: { id: { in: storable.map((note) => note.id) } } })
      ).map((note) => [note.id, note]),
    );
    const created: Candidate<NoteRecord & { message: string; key: PostKey }>[] = [];
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
      const action = noteCreateAction(communityId, record);
      if (!action || record.proof === null) {
        refuse(subject, 'NOTE_UNPROVEN', 'the note carries no proof that a member wrote it');
        continue;
      }
      const check = checkRecordedAction(record.proof, action, record.authorPseudonym, context);
      if (!check.ok) {
        refuse(subject, check.code, check.message);
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
        },
        proofs,
      });
    }

    const invalid = await this.groth16(verifier, [...created, ...deleted], refuse);
    const storedNotes = created.filter(({ proofs }) => !invalid.has(proofs[0] as ProofToCheck));
    const storedDeletions = deleted.filter(({ proofs }) => !invalid.has(proofs[0] as ProofToCheck));
    const last = page[page.length - 1] as NoteRecord;

    await this.prisma.$transaction(async (tx) => {
      for (const { record, proofs } of storedNotes) {
        // A deletion proof that failed Groth16 is dropped the same way as one that failed earlier.
        const deletionValid = proofs.length === 2 && !invalid.has(proofs[1] as ProofToCheck);
        const post = await tx.post.upsert({
          where:
            'canonicalUrl' in record.key
              ? { canonicalUrl: record.key.canonicalUrl }
              : { platform_externalId: record.key },
          create: record.key,
          update: {},
        });
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
      if (accepted > 0) {
        await tx.scoringEvent.create({ data: { communityId, kind: 'mirror.notes' } });
      }
      await this.settle(tx, mirror.id, cursors, { notes: last.cursor }, refusals);
    }, TRANSACTION);
    cursors.notes = last.cursor;
    outcome.accepted.notes += storedNotes.length + storedDeletions.length;
    outcome.refused += refusals.length;
  }

  private checkDeletion(
    communityId: string,
    record: NoteRecord,
    context: ActionCheckContext,
    refuse: (subject: string, code: string, message: string) => void,
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

  // ---- ratings ----------------------------------------------------------------------------

  private async settleRatings(
    mirror: Mirror,
    page: RatingRecord[],
    context: ActionCheckContext,
    verifier: ProofVerifier,
    cursors: MirrorCursors,
    outcome: PullOutcome,
  ): Promise<void> {
    const communityId = mirror.communityId;
    const refusals: Refusal[] = [];
    const refuse = (subject: string, code: string, message: string) =>
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

    const invalid = await this.groth16(verifier, candidates, refuse);
    const stored = candidates.filter(({ proofs }) => !invalid.has(proofs[0] as ProofToCheck));
    const inserts = stored.filter(({ record }) => !record.replaces).map(({ record }) => record);
    const replacements = stored.filter(({ record }) => record.replaces).map(({ record }) => record);
    const last = page[page.length - 1] as RatingRecord;

    await this.prisma.$transaction(async (tx) => {
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
      if (stored.length > 0) {
        await tx.scoringEvent.create({ data: { communityId, kind: 'mirror.ratings' } });
      }
      await this.settle(tx, mirror.id, cursors, { ratings: last.cursor }, refusals);
    }, TRANSACTION);
    cursors.ratings = last.cursor;
    outcome.accepted.ratings += stored.length;
    outcome.refused += refusals.length;
  }

  // ---- the origin's statuses ----------------------------------------------------------------

  /**
   * When the origin has published a run the mirror has not seen, its per-note statuses, kept to
   * compare with the mirror's own (`divergence`). Returns that run's id when it fetched them.
   */
  private async pullOriginResults(
    mirror: Mirror,
    client: ExportClient,
    fetcher: typeof fetch,
  ): Promise<string | undefined> {
    const url = `${mirror.originUrl.replace(/\/+$/, '')}/communities/${encodeURIComponent(mirror.originSlug)}/scoring-runs?limit=20`;
    const response = await fetcher(url, { signal: AbortSignal.timeout(ORIGIN_TIMEOUT_MS) });
    if (!response.ok) throw new MirrorPullError(`GET ${url} answered ${response.status}`);
    const { items } = (await response.json()) as {
      items: {
        id: string;
        status: string;
        finishedAt: string | null;
        inputHash: string | null;
        dataHash?: string | null;
      }[];
    };
    const latest = items
      .filter((run) => run.status === 'SUCCEEDED' && run.finishedAt !== null)
      .sort((a, b) => Date.parse(b.finishedAt as string) - Date.parse(a.finishedAt as string))[0];
    if (!latest || latest.id === mirror.originRunId) return undefined;
    const results = await this.readAll(client, 'results', undefined);
    await this.prisma.$transaction(async (tx) => {
      await tx.mirrorOriginResult.deleteMany({ where: { mirrorId: mirror.id } });
      for (let start = 0; start < results.length; start += RESULTS_CHUNK) {
        await tx.mirrorOriginResult.createMany({
          data: results.slice(start, start + RESULTS_CHUNK).map((result) => ({
            mirrorId: mirror.id,
            noteId: result.noteId,
            status: result.status as NoteStatus,
            runId: result.runId,
            preStabilizationStatus: explained(result.score, 'preStabilizationStatus', 32),
            decidedBy: explained(result.score, 'decidedBy', 64),
          })),
        });
      }
      await tx.mirror.update({
        where: { id: mirror.id },
        data: {
          originRunId: latest.id,
          originRunFinishedAt: new Date(latest.finishedAt as string),
          originRunInputHash: hashOrNull(latest.inputHash),
          // An origin whose runs keep no data hash cannot be compared by data: null.
          originRunDataHash: hashOrNull(latest.dataHash),
        },
      });
    }, TRANSACTION);
    return latest.id;
  }

  // ---- shared -------------------------------------------------------------------------------

  private async readAll<S extends ExportStream>(
    client: ExportClient,
    stream: S,
    after: string | undefined,
  ): Promise<ExportRecords[S][]> {
    const all: ExportRecords[S][] = [];
    for (let cursor = after; ;) {
      const page = await client.page(stream, { after: cursor, limit: MEMBERSHIP_PAGE });
      for (const record of page) all.push(record);
      if (page.length < MEMBERSHIP_PAGE) return all;
      cursor = (page[page.length - 1] as ExportRecords[S]).cursor;
    }
  }

  /** The Groth16 equation of every candidate's proofs; refuses and returns those that fail. */
  private async groth16(
    verifier: ProofVerifier,
    candidates: Candidate<unknown>[],
    refuse: (subject: string, code: string, message: string) => void,
  ): Promise<Set<ProofToCheck>> {
    const proofs = candidates.flatMap((candidate) => candidate.proofs);
    const valid = proofs.length === 0 ? [] : await verifier.verify(proofs.map((p) => p.proof));
    const invalid = new Set<ProofToCheck>();
    proofs.forEach((proof, index) => {
      if (valid[index]) return;
      invalid.add(proof);
      refuse(
        proof.subject,
        'PROOF_INVALID',
        'the Groth16 proof does not verify: no member of the group made it',
      );
    });
    return invalid;
  }

  /**
   * Advances the cursors of the streams a batch settled, with its refusals, in the batch's own
   * transaction, and only from where this pull found them: a concurrent pull of the same mirror
   * makes one of the two roll back instead of storing anything twice.
   */
  private async settle(
    tx: Tx,
    mirrorId: string,
    cursors: MirrorCursors,
    moved: MirrorCursors,
    refusals: Refusal[],
  ): Promise<void> {
    const [row] = await tx.$queryRaw<[{ cursors: MirrorCursors }]>`
      SELECT cursors FROM mirrors WHERE id = ${mirrorId}::uuid FOR UPDATE`;
    for (const stream of Object.keys(moved) as MirrorStream[]) {
      if (row.cursors[stream] !== cursors[stream]) {
        throw new MirrorPullError(`another pull of this mirror moved its ${stream} cursor first`);
      }
    }
    if (Object.keys(moved).length > 0) {
      await tx.$executeRaw`
        UPDATE mirrors SET cursors = cursors || ${JSON.stringify(moved)}::jsonb, updated_at = now()
         WHERE id = ${mirrorId}::uuid`;
    }
    if (refusals.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO mirror_refusals (mirror_id, stream, subject, code, message)
      SELECT ${mirrorId}::uuid, * FROM unnest(
        ${refusals.map((r) => r.stream)}::text[], ${refusals.map((r) => r.subject.slice(0, 160))}::text[],
        ${refusals.map((r) => r.code)}::text[], ${refusals.map((r) => r.message.slice(0, 500))}::text[])
      ON CONFLICT (mirror_id, subject, code) DO UPDATE
        SET last_seen_at = now(), times = mirror_refusals.times + 1, message = excluded.message`;
  }
}

/**
 * A field of the origin's explanation of a note (`score`), kept to tell a note held back by
 * stabilisation from a disagreement; null when absent or not what the column can hold.
 */
function explained(score: unknown, field: string, maxLength: number): string | null {
  if (score === null || typeof score !== 'object') return null;
  const value = (score as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length <= maxLength ? value : null;
}

function hashOrNull(hash: unknown): string | null {
  return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : null;
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

function sameRating(stored: Rating, record: RatingRecord): boolean {
  return (
    stored.clientMinute === record.clientMinute &&
    stored.helpfulness === record.helpfulness &&
    same(stored.tags, record.tags) &&
    same(stored.proof, record.proof)
  );
}

/**
 * The records this instance's tables can hold; each other one is refused as RECORD_INVALID
 * with the reason `unstorable` gives.
 */
function keepStorable<T extends { id: string }>(
  page: T[],
  kind: 'note' | 'rating',
  unstorable: (record: T) => string | undefined,
  refuse: (subject: string, code: string, message: string) => void,
): T[] {
  return page.filter((record) => {
    const reason = unstorable(record);
    if (reason) {
      refuse(
        `${kind} ${record.id}`,
        'RECORD_INVALID',
        `this instance cannot store the ${kind}: ${reason}`,
      );
    }
    return !reason;
  });
}
