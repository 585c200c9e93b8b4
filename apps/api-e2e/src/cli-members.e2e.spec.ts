import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createIdentity, exportIdentity } from '@bridgenotes/client';
import { currentTestRun } from '@bridgenotes/testing';
import { bridgenotes, builtBridgenotes, builtBridgenotesWithInput } from './support/cli';
import { untilReady } from './support/http';
import { idleClosingProxy } from './support/idle-closing-proxy';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';
import { startRecordingProxy } from './support/recording-proxy';

const OPERATOR_KEY = 'e2e-cli-operator-key';

/**
 * The member commands of the `bridgenotes` CLI against the built API: identities made and
 * restored from their backup, joining (open and by invitation), a proven note and a proven
 * rating, and the instance's refusals passed on. The commands run from the CLI's build, as the
 * suites run the built apps (tsx's compilation at each start cost half a CPU-second of each);
 * the proof-of-work join runs once more as `npm run bridgenotes` runs it, through tsx, whose
 * worker threads load their TypeScript otherwise.
 */
describe('bridgenotes member commands against a running instance', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let baseUrl: string;
  let home: string;
  /** `join <instance> --community <slug> --identity <file> [extra…]`, for either runner. */
  const joinArgs = (slug: string, identity: string, ...extra: string[]) => [
    'join',
    baseUrl,
    '--community',
    slug,
    '--identity',
    identity,
    ...extra,
  ];

  beforeAll(async () => {
    ({ api, apiUrl: baseUrl } = await startBuiltApi({
      QUEUE_PREFIX: `${run.queuePrefix}-cli`,
      ...operatorKeyEnv(OPERATOR_KEY),
      CREDENTIAL_HASH_KEY: randomBytes(32).toString('hex'),
    }));
    home = await mkdtemp(join(tmpdir(), 'bn-cli-'));
    await untilReady(baseUrl);
  });

  afterAll(async () => {
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await api?.exited;
    if (home) await rm(home, { recursive: true, force: true });
  });

  async function operator(method: string, path: string, body: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_KEY}` },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${path}: ${await response.text()}`);
    return response.json();
  }

  /** `<command> <instance> --community <slug> --identity <file> --post <url>`, for a write. */
  const memberArgs = (
    command: string,
    instance: string,
    slug: string,
    identity: string,
    post: string,
  ) => [command, instance, '--community', slug, '--identity', identity, '--post', post];

  const commitmentIn = (output: string) => /commitment (\d+)/.exec(output)?.[1];

  /**
   * A member's identity file as `identity create` writes it (the first case checks that command
   * itself): written here, it spares the later cases a CLI start each.
   */
  async function identityFile(name: string): Promise<string> {
    const path = join(home, name);
    await writeFile(path, `${exportIdentity(createIdentity())}\n`, { mode: 0o600, flag: 'wx' });
    return path;
  }

  it('creates an identity readable by its owner only, refuses to overwrite it, restores it from its backup (a file, standard input, or the command line with a warning)', async () => {
    const alice = join(home, 'alice');
    const created = await builtBridgenotes('identity', 'create', '--identity', alice);
    expect(created.code).toBe(0);
    const commitment = commitmentIn(created.stdout);
    expect(commitment).toMatch(/^\d{10,}$/);
    expect((await stat(alice)).mode & 0o777).toBe(0o600);

    const again = await builtBridgenotes('identity', 'create', '--identity', alice);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists/);

    const backup = (await readFile(alice, 'utf8')).trim();
    const fromFile = await builtBridgenotes(
      'identity',
      'import',
      `@${alice}`,
      '--identity',
      join(home, 'alice-from-file'),
    );
    expect(fromFile).toMatchObject({ code: 0, stderr: '' });
    expect(commitmentIn(fromFile.stdout)).toBe(commitment);
    const fromInput = await builtBridgenotesWithInput(
      `${backup}\n`,
      'identity',
      'import',
      '-',
      '--identity',
      join(home, 'alice-from-input'),
    );
    expect(fromInput).toMatchObject({ code: 0, stderr: '' });
    expect(commitmentIn(fromInput.stdout)).toBe(commitment);
    const inline = await builtBridgenotes(
      'identity',
      'import',
      backup,
      '--identity',
      join(home, 'alice-restored'),
    );
    expect(inline.code).toBe(0);
    expect(commitmentIn(inline.stdout)).toBe(commitment);
    expect(inline.stderr).toMatch(
      /^warning: a backup given on the command line stays in the shell history/,
    );

    // A cut-off backup is refused, not taken as a stranger's identity; so is a damaged file.
    const cut = await builtBridgenotesWithInput(
      `${backup.slice(0, 30)}\n`,
      'identity',
      'import',
      '-',
      '--identity',
      join(home, 'alice-cut'),
    );
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(
      /not an identity backup: it has 30 characters where a backup has 44/,
    );
    await expect(stat(join(home, 'alice-cut'))).rejects.toMatchObject({ code: 'ENOENT' });
    const damaged = join(home, 'alice-damaged');
    await writeFile(damaged, `${backup.slice(0, 20)}.${backup.slice(21)}\n`, { mode: 0o600 });
    const join_ = await builtBridgenotes(...joinArgs('any', damaged));
    expect(join_.code).toBe(2);
    expect(join_.stderr).toMatch(
      /alice-damaged does not hold an identity backup: it holds characters a backup never has/,
    );
  });

  it('joins, writes a proven note, rates it from another identity, and passes the refusals on', async () => {
    const slug = `cli-${randomUUID().slice(0, 8)}`;
    await operator('POST', '/communities', {
      slug,
      name: 'CLI',
      admission: 'OPEN',
      earnInImpact: 0,
    });
    const author = await identityFile(`author-${slug}`);
    const rater = await identityFile(`rater-${slug}`);

    const joined = await builtBridgenotes(...joinArgs(slug, author));
    expect(joined).toMatchObject({ code: 0, stdout: expect.stringMatching(/joined .* at leaf 0/) });
    expect((await builtBridgenotes(...joinArgs(slug, rater))).stdout).toMatch(/at leaf 1/);
    const twice = await builtBridgenotes(...joinArgs(slug, rater));
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already joined/);

    const url = `https://news.example/${slug}`;
    const written = await builtBridgenotes(
      'note',
      baseUrl,
      '--community',
      slug,
      '--identity',
      author,
      '--post',
      url,
      '--classification',
      'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      '--reasons',
      'MISSING_IMPORTANT_CONTEXT,FACTUAL_ERROR',
      '--text',
      'The chart leaves out the last two years',
      '--sources',
      'https://stats.example/series',
      '--json',
    );
    expect(written.code).toBe(0);
    const note = JSON.parse(written.stdout);
    expect(note).toMatchObject({
      text: 'The chart leaves out the last two years',
      status: 'NEEDS_MORE_RATINGS',
    });

    const rated = await builtBridgenotes(
      'rate',
      baseUrl,
      '--community',
      slug,
      '--identity',
      rater,
      '--note',
      note.id,
      '--helpfulness',
      'HELPFUL',
      '--tags',
      'CLEAR,GOOD_SOURCES',
      '--json',
    );
    expect(rated.code).toBe(0);
    expect(JSON.parse(rated.stdout)).toMatchObject({
      noteId: note.id,
      helpfulness: 'HELPFUL',
      tags: ['CLEAR', 'GOOD_SOURCES'],
    });
    const selfRated = await builtBridgenotes(
      'rate',
      baseUrl,
      '--community',
      slug,
      '--identity',
      author,
      '--note',
      note.id,
      '--helpfulness',
      'HELPFUL',
    );
    expect(selfRated.code).toBe(1);
    expect(selfRated.stderr).toMatch(/refused \(403 SELF_RATING\): Authors cannot rate/);

    // The rater changes its mind at once: the latest choice wins, said in plain words.
    const changed = await builtBridgenotes(
      'rate',
      baseUrl,
      '--community',
      slug,
      '--identity',
      rater,
      '--note',
      note.id,
      '--helpfulness',
      'NOT_HELPFUL',
      '--tags',
      'INCORRECT',
    );
    expect(changed).toMatchObject({
      code: 0,
      stdout: `rating saved: note ${note.id} NOT_HELPFUL (INCORRECT); it counts at the next scoring run\n`,
    });

    const shown = await (await fetch(`${baseUrl}/communities/${slug}/notes/${note.id}`)).json();
    expect(shown).toMatchObject({ id: note.id, ratingCount: 1 });
    const onPost = await (await fetch(`${baseUrl}/posts?url=${encodeURIComponent(url)}`)).json();
    expect(onPost.notes.map((shownNote: { id: string }) => shownNote.id)).toContain(note.id);

    // What the members wrote verifies from the open data, live and saved; a second export
    // replaces the first.
    const verified = await builtBridgenotes('verify', baseUrl, '--community', slug);
    expect(verified.stdout).toMatch(/^VERIFIED: 0 discrepancies/m);
    expect(verified.code).toBe(0);
    const folder = join(home, `export-${slug}`);
    for (let round = 0; round < 2; round++) {
      const saved = await builtBridgenotes('export', baseUrl, '--community', slug, '--out', folder);
      expect(saved).toMatchObject({ code: 0, stdout: `saved to ${folder}\n` });
    }
    const fromFolder = await builtBridgenotes('verify', folder);
    expect(fromFolder).toMatchObject({ code: 0, stdout: expect.stringMatching(/VERIFIED/) });
    // A sample of no proofs checks none: a usage error (exit 2), as is naming another community
    // than the export's. An export missing a stream is INCOMPLETE (exit 5).
    const none = await builtBridgenotes('verify', baseUrl, '--community', slug, '--sample', '0');
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('--sample') });
    const other = await builtBridgenotes('verify', folder, '--community', 'another-community');
    expect(other).toMatchObject({ code: 2, stderr: expect.stringContaining(slug) });
    expect((await builtBridgenotes('verify', folder, '--community', slug)).code).toBe(0);
    const manifestPath = join(folder, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    const streams = manifest.streams.filter((stream: string) => stream !== 'standings');
    await writeFile(manifestPath, JSON.stringify({ ...manifest, streams }));
    const incomplete = await builtBridgenotes('verify', folder);
    expect(incomplete.stdout).toMatch(/^INCOMPLETE: 0 discrepancies, 1 warnings/m);
    expect(incomplete.code).toBe(5);
  });

  it('lands its writes when the proof outlasts the keep-alive connection it fetched the group on', async () => {
    const slug = `cli-ka-${randomUUID().slice(0, 8)}`;
    await operator('POST', '/communities', { slug, name: 'CLI keep-alive', admission: 'OPEN' });
    const member = await identityFile(`ka-${slug}`);
    expect((await builtBridgenotes(...joinArgs(slug, member))).code).toBe(0);
    // Closes connections idle for 200 ms: every proof (over a second) outlasts the connection.
    const { port } = new URL(baseUrl);
    const proxy = await idleClosingProxy({ host: '127.0.0.1', port: Number(port) }, 200);
    try {
      const url = `https://news.example/${slug}`;
      const asked = await builtBridgenotes(...memberArgs('request', proxy.url, slug, member, url));
      expect(asked.stderr).not.toMatch(/fetch failed/);
      expect(asked).toMatchObject({
        code: 0,
        stdout: 'request recorded: 1 member(s) asked for a note on this post\n',
      });
      expect(proxy.closedIdle()).toBeGreaterThan(0);
      const onPost = await fetch(
        `${baseUrl}/posts?${new URLSearchParams({ url, community: slug })}`,
      );
      expect((await onPost.json()).post.requestCount).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('sends a note again, the same proven body, after a proxy’s 502 page for a stored note, and stores it once', async () => {
    const slug = `cli-502-${randomUUID().slice(0, 8)}`;
    await operator('POST', '/communities', { slug, name: 'CLI gateway', admission: 'OPEN' });
    const member = await identityFile(`gw-${slug}`);
    // With a trailing slash, as typed from a browser's address bar.
    expect((await builtBridgenotes(...joinArgs(slug, member).with(1, `${baseUrl}/`))).code).toBe(0);
    const gateway = await startRecordingProxy(baseUrl);
    const notes = `/communities/${slug}/notes`;
    // The note reaches the instance, which stores it; the gateway loses its answer.
    gateway.fail(notes);
    try {
      const url = `https://news.example/${slug}`;
      const written = await builtBridgenotes(
        ...memberArgs('note', gateway.url, slug, member, url),
        '--classification',
        'NOT_MISLEADING',
        '--reasons',
        'FACTUALLY_CORRECT',
        '--text',
        'The photo is from the event it says',
        '--json',
      );
      expect(written).toMatchObject({ code: 0, stderr: expect.not.stringMatching(/at .*\.js/) });
      const sent = gateway.received.filter((one) => one.method === 'POST' && one.url === notes);
      expect(sent).toHaveLength(2);
      expect(sent[1].body).toBe(sent[0].body);
      const { id } = JSON.parse(written.stdout);
      // Stored by the first send, answered with the stored note to the second.
      expect(sent[0].status).toBe(201);
      expect(JSON.parse(sent[0].lost ?? '{}').id).toBe(id);
      expect(sent[1].status).toBe(200);
      const onPost = await fetch(
        `${baseUrl}/posts?${new URLSearchParams({ url, community: slug })}`,
      );
      const shown = (await onPost.json()).notes.map((note: { id: string }) => note.id);
      expect(shown).toEqual([id]);
    } finally {
      await gateway.close();
    }
  });

  it('says what is wrong, without a stack, for an address that is not a URL or not an instance, or content the instance would refuse', async () => {
    const member = await identityFile(`usage-${randomUUID().slice(0, 8)}`);
    const noUrl = await builtBridgenotes(
      ...memberArgs('note', 'notes.example', 'demo', member, 'https://news.example/1'),
      '--classification',
      'NOT_MISLEADING',
      '--text',
      'A note',
    );
    expect(noUrl).toMatchObject({ code: 2, stderr: expect.stringMatching(/instance URL/) });
    // What the instance would refuse is said in its words before anything is read or proven:
    // the community named is not asked for (it does not exist), no proof is begun.
    const refused = 'nothing proven or sent, as the instance would refuse it';
    const tooLong = await builtBridgenotes(
      ...memberArgs('note', baseUrl, 'no-such-community', member, 'https://news.example/1'),
      '--classification',
      'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      '--reasons',
      'MISSING_IMPORTANT_CONTEXT',
      '--text',
      'x'.repeat(300),
    );
    expect(tooLong).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `note: ${refused}: text must be 1 to 280 characters, each URL counting as one (it has 300); A misleading note needs at least one source link\n`,
    });
    const otherSide = await builtBridgenotes(
      'rate',
      baseUrl,
      '--community',
      'no-such-community',
      '--identity',
      member,
      '--note',
      randomUUID(),
      '--helpfulness',
      'HELPFUL',
      '--tags',
      'INCORRECT',
    );
    expect(otherSide).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        `rate: ${refused}: tags INCORRECT do not belong to a HELPFUL rating; allowed: CLEAR,`,
      ),
    });
    expect(otherSide.stderr).not.toMatch(/proving|\n\s+at /);
    expect(
      (await builtBridgenotes(...joinArgs('demo', member).with(1, 'notes.example'))).code,
    ).toBe(2);
    // Another server at that address, answering in plain text.
    const elsewhere = createServer((_, response) => {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not here');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = elsewhere.address() as AddressInfo;
      const joined = await builtBridgenotes(
        ...joinArgs('demo', member).with(1, `http://127.0.0.1:${port}`),
      );
      expect(joined).toMatchObject({
        code: 3,
        stderr: expect.stringMatching(/404.*not the Bridgenotes API's/),
      });
      expect(joined.stderr).not.toMatch(/SyntaxError|\n\s+at /);
    } finally {
      elsewhere.closeAllConnections();
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('joins an invitation-only community with an invite code, and not without one', async () => {
    const slug = `cli-inv-${randomUUID().slice(0, 8)}`;
    await operator('POST', '/communities', { slug, name: 'CLI invites', admission: 'INVITE' });
    const { codes } = await operator('POST', `/communities/${slug}/invites`, { count: 1 });
    const member = await identityFile(`invited-${slug}`);
    const refused = await builtBridgenotes(...joinArgs(slug, member));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/inviteCode is required/);
    const joined = await builtBridgenotes(...joinArgs(slug, member, '--invite', codes[0]));
    expect(joined).toMatchObject({ code: 0, stdout: expect.stringMatching(/at leaf 0/) });
    // Whoever reads the code first joins with it: inline, it shows in the process list.
    expect(joined.stderr).toMatch(
      /^warning: --invite on the command line shows in the process list/,
    );
  });

  it('joins an OPEN community that asks a proof-of-work, solved on worker threads (build and tsx)', async () => {
    const slug = `cli-pow-${randomUUID().slice(0, 8)}`;
    // 16 bits: about 65,000 hashes, a fraction of a second; the API refuses a join without them.
    await operator('POST', '/communities', {
      slug,
      name: 'CLI work',
      admission: 'OPEN',
      joinWorkDifficulty: 16,
    });
    const member = await identityFile(`worker-${slug}`);
    const joined = await builtBridgenotes(...joinArgs(slug, member));
    expect(joined).toMatchObject({ code: 0, stdout: expect.stringMatching(/at leaf 0/) });
    expect(joined.stdout).toMatch(/proof-of-work \(16 bits\)/);
    // `npm run bridgenotes`: the sources through tsx, their solver threads registering it.
    const fromSources = await identityFile(`worker-tsx-${slug}`);
    const joinedFromSources = await bridgenotes(...joinArgs(slug, fromSources));
    expect(joinedFromSources).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/at leaf 1/),
    });
    expect(joinedFromSources.stdout).toMatch(/proof-of-work \(16 bits\)/);
  });

  it("joins a credential community with a ticket signed by the CLI's issuer key, once per account", async () => {
    const slug = `cli-cred-${randomUUID().slice(0, 8)}`;
    const community = await operator('POST', '/communities', {
      slug,
      name: 'CLI credentials',
      admission: 'CREDENTIAL',
    });
    const key = join(home, `issuer-${slug}.jwk`);
    const generated = await builtBridgenotes('ticket', 'keygen', '--out', key);
    expect(generated.code).toBe(0);
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    const issuer = 'https://forum.example';
    await operator('POST', `/communities/${slug}/issuers`, {
      issuer,
      jwks: JSON.parse(generated.stdout),
    });
    const signFor = async (subject: string) => {
      const signed = await builtBridgenotes(
        'ticket',
        'sign',
        '--key',
        key,
        '--issuer',
        issuer,
        '--audience',
        community.id,
        '--subject',
        subject,
      );
      expect(signed.code).toBe(0);
      const file = join(home, `ticket-${randomUUID()}`);
      await writeFile(file, signed.stdout);
      return `@${file}`;
    };
    const first = await identityFile(`first-${slug}`);
    const second = await identityFile(`second-${slug}`);
    const join_ = (identity: string, ...extra: string[]) =>
      builtBridgenotes(...joinArgs(slug, identity, ...extra));

    const without = await join_(first);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/ticket/);
    expect(await join_(first, '--ticket', await signFor('account-1'))).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/at leaf 0/),
    });
    const again = await join_(second, '--ticket', await signFor('account-1'));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already a member with another identity/);
    const replaced = await join_(
      second,
      '--ticket',
      await signFor('account-1'),
      '--replace-lost-identity',
    );
    expect(replaced).toMatchObject({ code: 0, stdout: expect.stringMatching(/at leaf 1/) });
  });
});
