// Seeds the demo community as members would have made it: seeded identities join its group, and
// every note and rating carries a real Semaphore proof made here, once, from those identities
// (as the API would have accepted it), so `bridgenotes verify` checks the demo like any
// community. Then the worker's own loader, scorer and publisher score it twice, as of a day and
// an hour apart in the past: the scorer decides every status (the second run releases the helpful
// note from the stabilisation hold a first helpful verdict gets); nothing is written into a
// status.
import { Identity } from '@semaphore-protocol/core';
import { Environment } from '@bridgenotes/config';
import { commitmentOf, groupFromLeaves, nodeArtifacts, proveAction } from '@bridgenotes/client';
import {
  GroupTreeStore,
  PrismaClient,
  PrismaService,
  ScoringRunStore,
  type Prisma,
} from '@bridgenotes/database';
import {
  appendLeaves,
  canonicalPostUrl,
  communityScope,
  type JsonValue,
} from '@bridgenotes/protocol';
import { DEFAULT_SEED, orderedId, scoreNotes } from '@bridgenotes/scoring';
import {
  ReplacedRatingsStore,
  ScoringInputLoader,
  ScoringPublisher,
} from '@bridgenotes/scoring-store';
import {
  DEMO_COMMUNITY_ID,
  DEMO_DESCRIPTION,
  DEMO_MEMBERS,
  DEMO_NOTES,
  DEMO_PROOF_MIN_MEMBERS,
  DEMO_SLUG,
  type DemoNote,
} from './demo-community';

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/**
 * The seeded identity of a demo member: a fixed private key, so every install's demo (whose
 * community id is fixed too) has the same pseudonyms. Demo identities are public by design;
 * never use them for anything else.
 */
export function demoIdentity(name: string): Identity {
  return new Identity(`bridgenotes-demo-member:${name}`);
}

export interface SeedOutcome {
  communityId: string;
  proofs: number;
  proofMs: number;
  runIds: string[];
}

/**
 * Creates the demo community with its members, proven notes and ratings, and scores it. The
 * demo's history starts a day before its first run; its two runs are at least 61 minutes apart,
 * so that the second comes after the stabilisation hour: the second runs when the seed scores it
 * (after the proofs), the first as of the start of the minute 61 minutes before `nowMs`, its
 * record asked for and started then (a run that says it scored before it started is one the
 * verifier refuses, RUN_TIME_IMPLAUSIBLE).
 */
export async function seedDemoCommunity(
  prisma: PrismaClient,
  /** The database `prisma` writes to, which the scoring runs' loader reads. */
  databaseUrl: string,
  nowMs: number,
  log: (line: string) => void = () => undefined,
): Promise<SeedOutcome> {
  const firstRunMs = (Math.floor(nowMs / MINUTE) - 61) * MINUTE;
  const startMinute = firstRunMs / MINUTE - DAY_MINUTES;
  const communityId = DEMO_COMMUNITY_ID;
  const scope = communityScope(communityId).toString();
  const identities = new Map(DEMO_MEMBERS.map((name) => [name, demoIdentity(name)]));
  const leaves = DEMO_MEMBERS.map((name) => BigInt(commitmentOf(identities.get(name) as Identity)));
  const tree = appendLeaves(0, leaves, new Map());
  const group = groupFromLeaves({
    root: tree.root.toString(),
    size: tree.size,
    depth: 0,
    leaves: leaves.map(String),
  });

  // Every proof first (the slow part, outside any transaction), then one transaction of rows.
  const artifacts = nodeArtifacts();
  const community = { id: communityId, scope };
  const started = performance.now();
  let proofs = 0;
  const prove = async (
    member: string,
    kind: string,
    target: string,
    payload: { [key: string]: JsonValue },
    minute: number,
  ) => {
    proofs += 1;
    const proven = await proveAction(
      identities.get(member) as Identity,
      group,
      { kind, community, target, payload, at: new Date((startMinute + minute) * MINUTE) },
      artifacts,
    );
    return proven;
  };
  const notes: { note: DemoNote; id: string; row: Prisma.NoteCreateManyInput }[] = [];
  const ratings: Prisma.RatingCreateManyInput[] = [];
  const postIds = new Map<string, string>();
  for (const note of DEMO_NOTES) {
    // Ids in the demo's order: the scorer orders notes by id and seeds their starting values by
    // that order, so every install's runs decide alike.
    const id = orderedId(notes.length);
    const post = note.post as { [key: string]: JsonValue };
    const proven = await prove(
      note.author,
      'note.create',
      '',
      {
        post,
        classification: note.classification,
        reasons: note.reasons,
        text: note.text,
        sources: note.sources,
      },
      note.minute,
    );
    const postKey = JSON.stringify(note.post);
    if (!postIds.has(postKey)) postIds.set(postKey, orderedId(postIds.size));
    notes.push({
      note,
      id,
      row: {
        id,
        communityId,
        postId: postIds.get(postKey) as string,
        authorPseudonym: proven.proof.nullifier,
        classification: note.classification,
        reasons: note.reasons,
        text: note.text,
        sources: note.sources,
        proof: proven.proof as unknown as Prisma.InputJsonObject,
        postRef: post as Prisma.InputJsonObject,
        clientMinute: proven.action.clientMinute,
        message: proven.proof.message,
        createdAt: new Date(proven.action.clientMinute * MINUTE),
      },
    });
    for (const rating of note.ratings) {
      const rated = await prove(
        rating.rater,
        'rating.put',
        `note:${id}`,
        { helpfulness: rating.helpfulness, tags: rating.tags },
        rating.minute,
      );
      ratings.push({
        communityId,
        noteId: id,
        raterPseudonym: rated.proof.nullifier,
        helpfulness: rating.helpfulness,
        tags: rating.tags,
        clientMinute: rated.action.clientMinute,
        proof: rated.proof as unknown as Prisma.InputJsonObject,
      });
    }
  }
  const proofMs = performance.now() - started;
  log(`made ${proofs} proofs in ${(proofMs / 1000).toFixed(1)} s`);

  const trees = new GroupTreeStore(prisma as PrismaService);
  await prisma.$transaction(
    async (tx) => {
      await tx.community.create({
        data: {
          id: communityId,
          scope,
          admission: 'OPEN',
          slug: DEMO_SLUG,
          name: 'Demo community',
          description: DEMO_DESCRIPTION,
          proofMinMembers: DEMO_PROOF_MIN_MEMBERS,
          treeSize: tree.size,
          treeRoot: tree.root.toString(),
        },
      });
      await tx.member.createMany({
        data: DEMO_MEMBERS.map((name, leafIndex) => ({
          communityId,
          commitment: commitmentOf(identities.get(name) as Identity),
          leafIndex,
        })),
      });
      // The members joined an hour before the first note, so every proof's root was current.
      await trees.publish(tx, communityId, tree, new Date((startMinute - 60) * MINUTE));
      for (const [key, id] of postIds) {
        const post = JSON.parse(key) as DemoNote['post'];
        const data =
          'url' in post
            ? { canonicalUrl: canonicalPostUrl(post.url) }
            : { platform: post.platform, externalId: post.externalId };
        const existing = await tx.post.findFirst({ where: data, select: { id: true } });
        if (existing) {
          for (const note of notes) if (note.row.postId === id) note.row.postId = existing.id;
        } else {
          await tx.post.create({ data: { id, ...data } });
        }
      }
      await tx.note.createMany({ data: notes.map(({ row }) => row) });
      await tx.rating.createMany({ data: ratings });
    },
    { timeout: 60_000 },
  );

  const runIds = [
    await scoreAt(prisma, databaseUrl, communityId, firstRunMs),
    await scoreAt(prisma, databaseUrl, communityId),
  ];
  return { communityId, proofs, proofMs, runIds };
}

/**
 * One scoring run with the worker's loader, scorer and publisher, as of `asOf` (its record asked
 * for and started then; it finishes when the seed publishes it), else of the time it starts, as
 * the worker takes a run's time.
 */
async function scoreAt(
  prisma: PrismaClient,
  databaseUrl: string,
  communityId: string,
  asOf?: number,
): Promise<string> {
  const database = prisma as PrismaService;
  const runs = new ScoringRunStore(database);
  const recorded = asOf === undefined ? undefined : new Date(asOf);
  const { id: runId } = await runs.request(communityId, undefined, undefined, recorded);
  const attempt = await runs.start(runId, communityId, recorded);
  if (attempt === undefined) throw new Error(`Demo scoring run ${runId} did not start`);
  const nowMs = asOf ?? Date.now();
  // The loader reads the seed's own database (prisma/seed.ts's, from the environment or .env).
  const loaded = await new ScoringInputLoader(
    Object.assign(new Environment(), { DATABASE_URL: databaseUrl }),
  ).load(communityId, nowMs);
  const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs });
  await new ScoringPublisher(database, new Environment(), runs, new ReplacedRatingsStore()).publish(
    { runId, attempt },
    loaded,
    result,
    DEFAULT_SEED,
  );
  return runId;
}
