import {
  BridgenotesClient,
  commitmentOf,
  createIdentity,
  exportIdentity,
  importIdentity,
  nodeArtifacts,
  proveAction,
  type ProvenAction,
} from '@bridgenotes/client';
import { releaseCurve, useSingleThreadedCurve, type JsonValue } from '@bridgenotes/protocol';
import type { Identity } from '@semaphore-protocol/core';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import type { CliOptions } from './main';
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
  const backup = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`no identity at ${path}: run "bridgenotes identity create" first`);
  });
  return importIdentity(backup.trim());
}

export async function identityCommand(args: string[], options: CliOptions): Promise<number> {
  const path = identityPath(options);
  const [action, backup] = args;
  const identity =
    action === 'create'
      ? createIdentity()
      : action === 'import'
        ? importIdentity(required(backup, 'the identity backup'))
        : undefined;
  if (!identity) throw new UsageError('identity create | identity import <backup>');
  await saveIdentity(identity, path);
  console.log(`identity saved to ${path} (back it up: losing it loses your pseudonym)`);
  console.log(`commitment ${commitmentOf(identity)}`);
  return 0;
}

export async function joinCommand(args: string[], options: CliOptions): Promise<number> {
  const client = new BridgenotesClient(required(args[0], 'an instance URL'));
  const slug = required(options.community, '--community');
  const identity = await loadIdentity(options);
  // "@file" keeps the ticket out of the shell history and the process list.
  const ticket = options.ticket?.startsWith('@')
    ? (await readFile(options.ticket.slice(1), 'utf8')).trim()
    : options.ticket;
  const joined = await client.join(slug, commitmentOf(identity), {
    inviteCode: options.invite,
    ticket,
    replaceLostIdentity: options['replace-lost-identity'],
  });
  console.log(`joined ${slug} at leaf ${joined.leafIndex}; new root ${joined.root}`);
  return 0;
}

/** Proves an action over the group rebuilt locally (root checked) and sends it. */
async function proveAndSend(
  args: string[],
  options: CliOptions,
  kind: string,
  target: (communityId: string) => string,
  payload: { [key: string]: JsonValue },
  send: (baseUrl: string, slug: string, proven: ProvenAction) => Promise<Response>,
): Promise<number> {
  const baseUrl = required(args[0], 'an instance URL').replace(/\/+$/, '');
  const slug = required(options.community, '--community');
  const client = new BridgenotesClient(baseUrl);
  const identity = await loadIdentity(options);
  const community = await client.getCommunity(slug);
  const group = await client.fetchGroup(slug);
  console.error('proving (a few seconds)…');
  // snarkjs's default curve keeps worker threads alive and the command would never exit.
  await useSingleThreadedCurve();
  const proven = await proveAction(
    identity,
    group,
    { kind, community, target: target(community.id), payload },
    nodeArtifacts(),
  ).finally(releaseCurve);
  // Proving can outlast the server's keep-alive: the connection fetch reuses may be closed under
  // it. Every proven write is idempotent (the same proof is the same note, rating or request),
  // so sending it again on a fresh connection is safe.
  const response = await send(baseUrl, slug, proven).catch(
    (error: { cause?: { code?: string } }) => {
      if (error?.cause?.code !== 'UND_ERR_SOCKET') throw error;
      return send(baseUrl, slug, proven);
    },
  );
  const body = await response.text();
  console.log(body);
  return response.ok ? 0 : 1;
}

const sendJson = (method: string, url: string, proven: ProvenAction) =>
  fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      ...proven.action.payload,
      clientMinute: proven.action.clientMinute,
      proof: proven.proof,
    }),
  });

export function noteCommand(args: string[], options: CliOptions): Promise<number> {
  const payload = {
    post: { url: required(options.post, '--post') },
    classification: required(options.classification, '--classification'),
    reasons: list(options.reasons),
    text: required(options.text, '--text'),
    sources: list(options.sources),
  };
  return proveAndSend(
    args,
    options,
    'note.create',
    () => '',
    payload,
    (baseUrl, slug, proven) =>
      sendJson('POST', `${baseUrl}/communities/${encodeURIComponent(slug)}/notes`, proven),
  );
}

export function rateCommand(args: string[], options: CliOptions): Promise<number> {
  const noteId = required(options.note, '--note');
  const payload = {
    helpfulness: required(options.helpfulness, '--helpfulness'),
    tags: list(options.tags),
  };
  return proveAndSend(
    args,
    options,
    'rating.put',
    () => `note:${noteId}`,
    payload,
    (baseUrl, slug, proven) =>
      sendJson(
        'PUT',
        `${baseUrl}/communities/${encodeURIComponent(slug)}/notes/${encodeURIComponent(noteId)}/rating`,
        proven,
      ),
  );
}

export function requestCommand(args: string[], options: CliOptions): Promise<number> {
  return proveAndSend(
    args,
    options,
    'note.request',
    () => '',
    { post: { url: required(options.post, '--post') } },
    (baseUrl, slug, proven) =>
      sendJson('POST', `${baseUrl}/communities/${encodeURIComponent(slug)}/note-requests`, proven),
  );
}
