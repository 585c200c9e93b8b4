import {
  ApiRequestError,
  BridgenotesClient,
  type CommunityInfo,
  commitmentOf,
  createIdentity,
  exportIdentity,
  importIdentity,
  nodeArtifacts,
  proveAction,
  type ProvenAction,
} from '@bridgenotes/client';
import {
  type ContentProblem,
  noteContentProblems,
  postUrlProblems,
  ratingContentProblems,
  releaseCurve,
  sendRating,
  useSingleThreadedCurve,
  type JsonValue,
} from '@bridgenotes/protocol';
// The widget's own choice and words for a write's wait, from its DOM-free modules alone.
import { writeWaitKey } from '@bridgenotes/widget/write-wait';
import { EN_WRITE_WAIT } from '@bridgenotes/widget/write-wait-en';
import type { Group, Identity } from '@semaphore-protocol/core';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { isUrl, type CliOptions } from './cli-options';
import { apiErrorKind, apiFailureLine, EXIT } from './exit-codes';
import { solveJoinWorkInThreads } from './join-work-threads';
import { secretArgument } from './secret-argument';
import { list, required, UsageError } from './usage-error';

const identityPath = (options: CliOptions) =>
  options.identity ?? join(homedir(), '.bridgenotes', 'identity');

async function saveIdentity(identity: Identity, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // The secret is the member's only key to its pseudonym: readable by its owner alone.
  await writeFile(path, `${exportIdentity(identity)}\n`, { mode: 0o600, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST')
        throw new UsageError(`${path} exists; choose another --identity file`);
      throw error;
    },
  );
}

async function loadIdentity(options: CliOptions): Promise<Identity> {
  const path = identityPath(options);
  const backup = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    // Only a missing file means "none yet": one that cannot be read (EACCES, EISDIR) says why.
    if (error.code !== 'ENOENT') throw error;
    throw new UsageError(`no identity at ${path}: run "bridgenotes identity create" first`);
  });
  try {
    return importIdentity(backup);
  } catch (error) {
    throw new UsageError(`${path} does not hold an identity backup: ${(error as Error).message}`);
  }
}

export async function identityCommand(args: string[], options: CliOptions): Promise<number> {
  const path = identityPath(options);
  const [action, backup] = args;
  const identity =
    action === 'create'
      ? createIdentity()
      : action === 'import'
        ? await importBackup(required(backup, 'the identity backup (@file, or - to read it)'))
        : undefined;
  if (!identity) throw new UsageError('identity create | identity import <@file | - | backup>');
  await saveIdentity(identity, path);
  console.log(`identity saved to ${path} (back it up: losing it loses your pseudonym)`);
  console.log(`commitment ${commitmentOf(identity)}`);
  return 0;
}

/** The member's secret, from a file or standard input; on the command line only with a warning. */
async function importBackup(argument: string): Promise<Identity> {
  const backup = await secretArgument(argument);
  if (backup.inline) {
    console.error(
      'warning: a backup given on the command line stays in the shell history and shows in the process list (ps); give it as @file or - (standard input)',
    );
  }
  try {
    return importIdentity(backup.value);
  } catch (error) {
    throw new UsageError(`this is not an identity backup: ${(error as Error).message}`);
  }
}

/** The instance a member command talks to: an http(s) URL, else a usage error. */
function instanceClient(target: string | undefined, command: string): BridgenotesClient {
  const url = required(target, 'an instance URL');
  if (!isUrl(url)) {
    throw new UsageError(`${command} talks to an instance URL (http or https), not ${url}`);
  }
  return new BridgenotesClient(url);
}

export async function joinCommand(args: string[], options: CliOptions): Promise<number> {
  const client = instanceClient(args[0], 'join');
  const slug = required(options.community, '--community');
  const identity = await loadIdentity(options);
  const ticket = await joinSecret(options.ticket, '--ticket');
  const inviteCode = await joinSecret(options.invite, '--invite');
  const commitment = commitmentOf(identity);
  const joined = await client.join(slug, commitment, {
    inviteCode,
    ticket,
    replaceLostIdentity: options['replace-lost-identity'],
    work: await joinWork(client, slug, commitment),
  });
  console.log(
    joined.pending
      ? `join of ${slug} accepted; it is sealed with other joins (docs/threat-model.md): act once the group's leaves include ${commitmentOf(identity)}`
      : `joined ${slug} at leaf ${joined.leafIndex}; new root ${joined.root}`,
  );
  return 0;
}

/**
 * An invite code or a ticket: whoever reads it first joins with it, so given inline (seen in the
 * process list by every local user, and kept in the shell history) it is used with a warning.
 */
async function joinSecret(argument: string | undefined, what: string): Promise<string | undefined> {
  if (argument === undefined) return undefined;
  const secret = await secretArgument(argument);
  if (secret.inline) {
    console.error(
      `warning: ${what} on the command line shows in the process list (ps) until it is used, and stays in the shell history; give it as @file or - (standard input)`,
    );
  }
  return secret.value;
}

/** An OPEN community's proof-of-work, solved on worker threads; undefined when none is asked. */
async function joinWork(client: BridgenotesClient, slug: string, commitment: string) {
  const { challenge, difficulty } = await client.joinWork(slug);
  if (difficulty === 0) return undefined;
  const community = await client.getCommunity(slug);
  console.log(`solving the community's proof-of-work (${difficulty} bits)…`);
  const nonce = await solveJoinWorkInThreads({
    community: community.id,
    commitment,
    challenge,
    difficulty,
  });
  return { challenge, nonce };
}

/** What a proven write needs: the action to prove and how to send it once proven. */
interface ProvenWrite {
  /** The command's name, for its messages. */
  command: string;
  kind: string;
  target: (communityId: string) => string;
  payload: { [key: string]: JsonValue };
  /**
   * What the instance would refuse in the payload (libs/protocol's content rules, the API's own):
   * said before anything is read or proven, as a proof takes seconds.
   */
  problems: string[];
  /** Sends the proven action and answers the API's body. */
  send: (client: BridgenotesClient, slug: string, proven: ProvenAction) => Promise<unknown>;
  /**
   * One line for a person, given how `community` seals writes; `--json` prints the API's answer
   * instead. It does not say whether this call stored it first: after a resend, "already stored"
   * may be this call's own write.
   */
  describe: (body: Record<string, unknown>, community: CommunityInfo) => string;
}

/**
 * What a note (`noted`) or a rating (`rated`) answered is said to be: `done` only where the
 * instance seals every write in its request (or says no wait: an older API, which did), else
 * `accepted` and its wait for the batch in the widget's and the extension's words (libs/widget
 * `writeWaitKey`): the API answers while the write waits in the write buffer, and a note appears,
 * a rating counts, only once its batch is sealed (docs/threat-model.md).
 */
function writeOutcome(
  community: CommunityInfo,
  write: 'noted' | 'rated',
  done: string,
  accepted: string,
): string {
  const { key, hours } = writeWaitKey(write, community);
  if (key === write) return done;
  const wait = EN_WRITE_WAIT[key as keyof typeof EN_WRITE_WAIT];
  return `${accepted}. ${wait.replace('{hours}', String(hours))}`;
}

/**
 * Proves an action over the group rebuilt locally (root checked) and sends it. The send survives
 * a proof longer than the server's keep-alive timeout (BridgenotesClient.write sends again on a
 * fresh connection); a rating refused as outdated is proven again with the minute after the
 * stored one, so the member's latest choice wins (docs/protocol.md).
 */
async function proveAndSend(args: string[], options: CliOptions, write: ProvenWrite) {
  const client = instanceClient(args[0], write.command);
  const slug = required(options.community, '--community');
  refuseContent(write);
  const identity = await loadIdentity(options);
  let community: CommunityInfo;
  let group: Group;
  try {
    community = await client.getCommunity(slug);
    group = await client.fetchGroup(slug);
  } catch (error) {
    return apiFailure(error, options);
  }
  // A member proves that its commitment is a leaf of the group: one that is not (its join still
  // waits for its batch, or another identity joined) cannot prove at all (the prover would fail
  // on leaf -1), so it is said before anything is proven.
  if (!group.members.includes(identity.commitment)) {
    return refuse(options, {
      code: 'NOT_A_MEMBER',
      message:
        `your join of ${slug} is not sealed yet, or this identity is not a member: nothing ` +
        `proven or sent; once the group's leaves include ${commitmentOf(identity)}, run it again`,
    });
  }
  // Below the instance's minimum anonymity set every proof is refused (403 PROOF_ROOT_TOO_SMALL):
  // said before spending seconds on one. An older instance does not send the minimum.
  const members = group.members.filter((leaf) => leaf !== 0n).length;
  if (community.proofMinMembers !== undefined && members < community.proofMinMembers) {
    return refuse(options, {
      code: 'PROOF_ROOT_TOO_SMALL',
      message:
        `${slug} needs ${community.proofMinMembers} members before anyone can write, rate or ` +
        `invite there (it has ${members}), so that no one is hidden among too few; try again ` +
        `once ${community.proofMinMembers - members} more have joined`,
      details: { required: community.proofMinMembers, members },
    });
  }
  const prove = async (clientMinute?: number) => {
    console.error('proving (a few seconds)…');
    // snarkjs's default curve keeps worker threads alive and the command would never exit.
    await useSingleThreadedCurve();
    return proveAction(
      identity,
      group,
      {
        kind: write.kind,
        community,
        target: write.target(community.id),
        payload: write.payload,
        clientMinute,
      },
      nodeArtifacts(),
    ).finally(releaseCurve);
  };
  let body: unknown;
  try {
    body = await sendRating(
      async (clientMinute) => write.send(client, slug, await prove(clientMinute)),
      // The instance's minute, never the device's (ServerClock): the group was just read from it.
      { outdatedMinute, now: () => client.clock.now() },
    );
  } catch (error) {
    return apiFailure(error, options, true);
  }
  console.log(
    options.json
      ? JSON.stringify(body)
      : write.describe(body as Record<string, unknown>, community),
  );
  return 0;
}

/**
 * A write refused before anything is proven, said as the API says a refusal (exit 1): on stderr,
 * or as `{ code, message, details }` on stdout with `--json`.
 */
function refuse(
  options: CliOptions,
  refusal: { code: string; message: string; details?: Record<string, unknown> },
): number {
  if (options.json) console.log(JSON.stringify(refusal));
  else console.error(`refused (${refusal.code}): ${refusal.message}`);
  return EXIT.FINDINGS;
}

/**
 * The API's refusal, said (exit 1), its coded failure (a 5xx with a code of its own: exit 3), or
 * its failure to answer (exit 3: the instance failing unsaid or another server answering, after
 * BridgenotesClient.write sent the write again); anything else is thrown on.
 */
function apiFailure(error: unknown, options: CliOptions, written = false): number {
  if (!(error instanceof ApiRequestError)) throw error;
  if (options.json) {
    console.log(
      JSON.stringify({ code: error.code, message: error.message, details: error.details }),
    );
  } else {
    console.error(apiFailureLine(error.status, error.code, error.message, written));
  }
  return apiErrorKind(error.status, error.code) === 'refused' ? EXIT.FINDINGS : EXIT.UNREADABLE;
}

/**
 * Refuses (exit 2) what the instance would refuse after the proof, in its words: every problem,
 * so that one run shows all there is to fix.
 */
function refuseContent({ command, problems }: ProvenWrite): void {
  if (problems.length === 0) return;
  throw new UsageError(
    `${command}: nothing proven or sent, as the instance would refuse it: ${problems.join('; ')}`,
  );
}

const messagesOf = (problems: ContentProblem[]) => problems.map((problem) => problem.message);

/** A note's id as the API takes it (class-validator's `IsUUID('all')`). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function outdatedMinute(error: unknown): number | undefined {
  if (!(error instanceof ApiRequestError) || error.code !== 'RATING_OUTDATED') return undefined;
  const stored = (error.details as { storedClientMinute?: unknown } | undefined)
    ?.storedClientMinute;
  return typeof stored === 'number' ? stored : undefined;
}

export function noteCommand(args: string[], options: CliOptions): Promise<number> {
  const payload = {
    post: { url: required(options.post, '--post') },
    classification: required(options.classification, '--classification'),
    reasons: list(options.reasons),
    text: required(options.text, '--text'),
    sources: list(options.sources),
  };
  return proveAndSend(args, options, {
    command: 'note',
    kind: 'note.create',
    target: () => '',
    payload,
    problems: messagesOf([...postUrlProblems(payload.post.url), ...noteContentProblems(payload)]),
    send: async (client, slug, proven) => (await client.createNote(slug, proven)).body,
    describe: (note, community) =>
      writeOutcome(
        community,
        'noted',
        `note published: ${note['id']} (${note['status']}; it is shown once raters who usually ` +
          `disagree find it helpful)`,
        `note accepted: ${note['id']}`,
      ),
  });
}

export function rateCommand(args: string[], options: CliOptions): Promise<number> {
  const note = required(options.note, '--note');
  // The API takes a note's id in either case and proves its target in lower case (note:<id>).
  const noteId = note.toLowerCase();
  const payload = {
    helpfulness: required(options.helpfulness, '--helpfulness'),
    tags: list(options.tags),
  };
  return proveAndSend(args, options, {
    command: 'rate',
    kind: 'rating.put',
    target: () => `note:${noteId}`,
    payload,
    problems: [
      ...(UUID.test(noteId) ? [] : [`--note must be a note's id (a UUID), not ${note}`]),
      ...messagesOf(ratingContentProblems(payload)),
    ],
    send: async (client, slug, proven) => (await client.putRating(slug, noteId, proven)).body,
    describe: (rating, community) => {
      const tags = (rating['tags'] as string[]).join(', ');
      const rated = `note ${rating['noteId']} ${rating['helpfulness']}${tags ? ` (${tags})` : ''}`;
      return writeOutcome(
        community,
        'rated',
        `rating saved: ${rated}; it counts at the next scoring run`,
        `rating accepted: ${rated}`,
      );
    },
  });
}

export function requestCommand(args: string[], options: CliOptions): Promise<number> {
  const post = { url: required(options.post, '--post') };
  return proveAndSend(args, options, {
    command: 'request',
    kind: 'note.request',
    target: () => '',
    payload: { post },
    problems: messagesOf(postUrlProblems(post.url)),
    send: async (client, slug, proven) => (await client.requestNote(slug, proven)).request,
    describe: (request) =>
      `request recorded: ${request['postRequestCount']} member(s) asked for a note on this post`,
  });
}
