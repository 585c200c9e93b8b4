import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createIdentity, exportIdentity, proveAction } from '@bridgenotes/client';

import type { CliOptions } from './cli-options';
import { EXIT, failureOf } from './exit-codes';
import { noteCommand, rateCommand, requestCommand } from './member-commands';

// The instance and the prover, counted: a refused write must reach neither. A write that passes
// is "proven" at once and answered, so that the cases that pass show the counts would see one.
// The member's identity is a leaf of the group.
const member = createIdentity();
const instance = {
  getCommunity: jest.fn(
    async (): Promise<{ id: string; scope: string; sealing?: { maxWaitSeconds: number } }> => ({
      id: 'c0ffee00-0000-4000-8000-000000000000',
      scope: '1',
    }),
  ),
  fetchGroup: jest.fn(async () => ({ members: [1n, member.commitment, 3n] })),
  createNote: jest.fn(async () => ({ body: { id: 'n', status: 'NEEDS_MORE_RATINGS' } })),
  putRating: jest.fn(async () => ({ body: { noteId: 'n', helpfulness: 'HELPFUL', tags: [] } })),
  requestNote: jest.fn(async () => ({ request: { postRequestCount: 1 } })),
  // The instance's clock, as the client learns it from its answers (ServerClock).
  clock: { now: () => Date.now() },
};
jest.mock('@bridgenotes/client', () => ({
  ...jest.requireActual('@bridgenotes/client'),
  BridgenotesClient: jest.fn(() => instance),
  nodeArtifacts: jest.fn(() => ({})),
  proveAction: jest.fn(async (_identity, _group, action) => ({ action, proof: {} })),
}));
// No curve is loaded for a proof that is not made.
jest.mock('@bridgenotes/protocol', () => ({
  ...jest.requireActual('@bridgenotes/protocol'),
  useSingleThreadedCurve: jest.fn(async () => undefined),
  releaseCurve: jest.fn(async () => undefined),
}));

const INSTANCE = 'https://notes.example';
const NOTE_ID = '0b6f4f5e-9a43-4d8e-8c55-5b1f0d1a2c3e';

describe('member commands check what they send before proving', () => {
  let home: string;
  let identity: string;
  let good: Record<'note' | 'rate' | 'request', CliOptions>;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'bn-cli-spec-'));
    identity = join(home, 'identity');
    await writeFile(identity, `${exportIdentity(member)}\n`, { mode: 0o600 });
    const options = { community: 'demo', identity };
    good = {
      note: {
        ...options,
        post: 'https://news.example/story/1',
        classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
        reasons: 'MISSING_IMPORTANT_CONTEXT',
        text: 'The photo is from 2019',
        sources: 'https://example.org/archive',
      },
      rate: { ...options, note: NOTE_ID, helpfulness: 'HELPFUL', tags: 'CLEAR' },
      request: { ...options, post: 'https://news.example/story/1' },
    };
  });

  afterAll(() => rm(home, { recursive: true, force: true }));

  beforeEach(() => {
    jest.clearAllMocks();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  const run = { note: noteCommand, rate: rateCommand, request: requestCommand };

  it.each(['note', 'rate', 'request'] as const)(
    'proves and sends a %s whose content the instance takes',
    async (command) => {
      await expect(run[command]([INSTANCE], good[command])).resolves.toBe(EXIT.OK);
      expect(proveAction).toHaveBeenCalledTimes(1);
    },
  );

  it.each([
    [
      'note',
      'a text over 280 characters',
      { text: 'x'.repeat(300) },
      'text must be 1 to 280 characters, each URL counting as one (it has 300)',
    ],
    ['note', 'an invisible text', { text: '\u200b ' }, 'text has no visible character'],
    ['note', 'no reason', { reasons: undefined }, 'reasons must hold at least one reason'],
    [
      'note',
      'a reason there is not',
      { reasons: 'MISSING_CONTEXT' },
      'reasons MISSING_CONTEXT do not belong to a misleading note; allowed: FACTUAL_ERROR,',
    ],
    [
      'note',
      'a classification there is not',
      { classification: 'MISLEADING' },
      'classification must be MISINFORMED_OR_POTENTIALLY_MISLEADING or NOT_MISLEADING',
    ],
    [
      'note',
      'no source for a misleading post',
      { sources: undefined },
      'A misleading note needs at least one source link',
    ],
    [
      'note',
      'a source that is not a link',
      { sources: 'example.org/archive' },
      'sources must be http or https links: example.org/archive',
    ],
    [
      'note',
      'eleven sources',
      { sources: Array.from({ length: 11 }, (_, i) => `https://e.example/${i}`).join(',') },
      'sources must hold at most 10 links',
    ],
    [
      'note',
      'a post that is not a URL',
      { post: 'news.example/story/1' },
      'post.url is not a valid absolute URL',
    ],
    [
      'rate',
      'a helpfulness there is not',
      { helpfulness: 'VERY_HELPFUL' },
      'helpfulness must be HELPFUL, SOMEWHAT_HELPFUL or NOT_HELPFUL',
    ],
    [
      'rate',
      'a tag of the other side',
      { tags: 'CLEAR,INCORRECT' },
      'tags INCORRECT do not belong to a HELPFUL rating',
    ],
    [
      'rate',
      'a note id that is not one',
      { note: '42' },
      "--note must be a note's id (a UUID), not 42",
    ],
    [
      'request',
      'an ftp post',
      { post: 'ftp://news.example/story/1' },
      'post.url must use http or https',
    ],
  ] as const)(
    'refuses a %s with %s before proving or asking the instance anything: a usage error saying why',
    async (command, _what, change, why) => {
      const failure = await run[command]([INSTANCE], { ...good[command], ...change }).then(
        (code) => ({ code, message: 'no error' }),
        (error: unknown) => failureOf(error),
      );
      expect(failure.code).toBe(EXIT.USAGE);
      expect(failure.message).toContain(
        `${command}: nothing proven or sent, as the instance would refuse it: ${why}`,
      );
      expect(failure.message).not.toMatch(/\n\s+at /);
      expect(proveAction).not.toHaveBeenCalled();
      expect(instance.getCommunity).not.toHaveBeenCalled();
    },
  );

  it('says every problem of a note at once, in the order of its fields', async () => {
    const failure = await noteCommand([INSTANCE], {
      ...good.note,
      reasons: undefined,
      text: ' ',
      sources: 'mailto:me@example.org',
    }).catch(failureOf);
    expect(failure).toEqual({
      code: EXIT.USAGE,
      message:
        'note: nothing proven or sent, as the instance would refuse it: reasons must hold at least one reason; ' +
        'text has no visible character (spaces, zero-width and other invisible characters alone do not count); ' +
        'sources must be http or https links: mailto:me@example.org',
    });
  });

  it.each(['note', 'rate', 'request'] as const)(
    'refuses a %s by an identity the group does not hold, before proving, in a sentence (exit 1)',
    async (command) => {
      // Its join still waits for its batch, or another identity joined: the prover would throw.
      instance.fetchGroup.mockResolvedValueOnce({ members: [1n, 2n, 3n] });
      const code = await run[command]([INSTANCE], good[command]).catch(
        (error: unknown) => failureOf(error).code,
      );
      expect(code).toBe(EXIT.FINDINGS);
      expect(proveAction).not.toHaveBeenCalled();
      const said = [console.error, console.log]
        .flatMap((print) => jest.mocked(print).mock.calls.flat())
        .join('\n');
      expect(said).toContain(
        'refused (NOT_A_MEMBER): your join of demo is not sealed yet, or this identity is not a member',
      );
      expect(said).toContain(member.commitment.toString());
      expect(said).not.toMatch(/\n\s+at /);
    },
  );

  it.each([
    [
      'note',
      21_660,
      'note accepted: n. Your note is in. It appears once its batch is sealed with other members’ writes, which keeps when you wrote it private: within minutes in a busy community, at the latest about 6 hours from now.',
    ],
    [
      'rate',
      21_660,
      'rating accepted: note n HELPFUL. Your rating is in. It counts once its batch is sealed with other members’ writes, which keeps when you rated private: within minutes in a busy community, at the latest about 6 hours from now, then at the next scoring run.',
    ],
    [
      'note',
      0,
      'note published: n (NEEDS_MORE_RATINGS; it is shown once raters who usually disagree find it helpful)',
    ],
    ['rate', 0, 'rating saved: note n HELPFUL; it counts at the next scoring run'],
  ] as const)(
    'words a %s answered by the wait of its batch (longest %i s), as the widget does',
    async (command, maxWaitSeconds, line) => {
      instance.getCommunity.mockResolvedValueOnce({
        id: 'c0ffee00-0000-4000-8000-000000000000',
        scope: '1',
        sealing: { maxWaitSeconds },
      });
      await expect(run[command]([INSTANCE], good[command])).resolves.toBe(EXIT.OK);
      expect(console.log).toHaveBeenCalledWith(line);
    },
  );

  it('proves a rating of a note named in upper case for its id in lower case, as the API checks it', async () => {
    await rateCommand([INSTANCE], { ...good.rate, note: NOTE_ID.toUpperCase() });
    expect(jest.mocked(proveAction).mock.calls[0]?.[2]).toMatchObject({
      target: `note:${NOTE_ID}`,
    });
    expect(instance.putRating).toHaveBeenCalledWith('demo', NOTE_ID, expect.anything());
  });
});
