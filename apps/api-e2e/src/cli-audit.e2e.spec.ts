import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { builtBridgenotes } from './support/cli';

/**
 * What the auditor's commands say without an instance to read, from the CLI's build: the help,
 * the exit codes a script relies on (a verdict, a wrong command line, something that could not
 * be read), and `compare`'s verdict on two files' keys.
 */
describe('bridgenotes exit codes and help', () => {
  let dir: string;
  let refusing: Server;
  let refusingUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bn-cli-audit-'));
    // An instance that answers, but not with an export: every path is unknown to it.
    refusing = createServer((_request, response) => response.writeHead(404).end('not here'));
    refusing.listen(0, '127.0.0.1');
    await once(refusing, 'listening');
    refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    refusing.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists --identity for every member command, what export does to an existing folder, and the exit codes', async () => {
    const help = await builtBridgenotes('--help');
    expect(help.code).toBe(0);
    for (const command of ['join', 'note', 'rate', 'request']) {
      const entry = help.stdout
        .split(/\n(?= {2}\w)/)
        .find((line) => line.startsWith(`  ${command} `));
      expect(entry).toContain('[--identity <file>]');
    }
    expect(help.stdout).toMatch(/replaces the folder once the new export is complete/);
    expect(help.stdout).toMatch(/identity import <@file \| - \| backup>/);
    expect(help.stdout).toMatch(/exit codes:\n {2}0 {2}done[^]*\n {2}3 {2}could not read/);
  });

  it('exits 2 on an unknown option, as on any other mistake in the command line', async () => {
    const unknown = await builtBridgenotes('verify', 'somewhere', '--sampel', '3');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--sampel'[^]*bridgenotes --help/);
    expect((await builtBridgenotes('export', refusingUrl, '--community', 'demo')).code).toBe(2);
  });

  it("exits 2 on another command's option, never accepting and ignoring it", async () => {
    // An auditor who believed the export verified under seed 7 would be misled by exit 0.
    const seeded = await builtBridgenotes('verify', join(dir, 'no-such-export'), '--seed', '7');
    expect(seeded).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^verify does not take --seed\n[^]*bridgenotes --help/),
    });
    const outdir = await builtBridgenotes('compare', 'a.tsv', 'b.tsv', '--outdir', dir);
    expect(outdir).toMatchObject({ code: 2, stderr: expect.stringContaining('--outdir') });
    // Each mode of a command reads its own: the TSV mode's time is --epoch-millis.
    const files = ['score', '--notes', 'n.tsv', '--ratings', 'r.tsv', '--now', '2026-01-01'];
    expect(await builtBridgenotes(...files)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^score of --notes and --ratings files does not take --now/),
    });
    expect(await builtBridgenotes('score', dir, '--settled')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^score of an export does not take --settled/),
    });
    const keygen = ['ticket', 'keygen', '--out', join(dir, 'never-made.jwk'), '--ttl', '60'];
    expect(await builtBridgenotes(...keygen)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^ticket keygen does not take --ttl/),
    });
  });

  it('says why an identity file could not be read, rather than that there is none', async () => {
    const folder = await builtBridgenotes(
      'join',
      refusingUrl,
      '--community',
      'demo',
      '--identity',
      dir,
    );
    expect(folder).toMatchObject({ code: 3, stderr: expect.stringMatching(/^EISDIR/) });
    const missing = join(dir, 'no-identity');
    const none = await builtBridgenotes(
      'join',
      refusingUrl,
      '--community',
      'demo',
      '--identity',
      missing,
    );
    expect(none).toMatchObject({
      code: 2,
      stderr: `no identity at ${missing}: run "bridgenotes identity create" first\n`,
    });
  });

  it('exits 2 with a sentence, no stack, on a --key file that is not a key', async () => {
    const notJson = join(dir, 'not-a-key.txt');
    await writeFile(notJson, 'hello');
    const sign = (key: string) =>
      builtBridgenotes(
        'ticket',
        'sign',
        '--key',
        key,
        '--issuer',
        'i',
        '--audience',
        'a',
        '--subject',
        's',
      );
    expect(await sign(notJson)).toMatchObject({
      code: 2,
      stderr: `--key ${notJson} is not a key file made by "ticket keygen" (not JSON)\n`,
    });
    const publicOnly = join(dir, 'public.json');
    await writeFile(publicOnly, JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }));
    expect(await sign(publicOnly)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('must be a private key file made by "ticket keygen"'),
    });
    const broken = join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ kty: 'EC', crv: 'P-256', d: 'x', alg: 'ES256' }));
    const unusable = await sign(broken);
    expect(unusable).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('holds no usable ES256 key'),
    });
    expect(unusable.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 3 when the export cannot be read: an instance that refuses, a folder that is not there', async () => {
    const out = join(dir, 'never');
    const refused = await builtBridgenotes(
      'export',
      refusingUrl,
      '--community',
      'demo',
      '--out',
      out,
    );
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`GET ${refusingUrl}/communities/demo/export: answered 404\n`);
    // Nothing of the body: an instance's answer is not the reader's to repeat.
    expect(refused.stderr).not.toContain('not here');
    const live = await builtBridgenotes('verify', refusingUrl, '--community', 'demo');
    expect(live.code).toBe(3);
    const missing = await builtBridgenotes('verify', join(dir, 'no-such-export'));
    expect(missing).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/has no manifest\.json/),
    });
  });

  it('compare exits 0 for files with the same keys once each, 1 when keys are missing or repeated', async () => {
    const file = async (name: string, rows: string[]) => {
      const path = join(dir, name);
      await writeFile(path, `noteId\tfinalRatingStatus\n${rows.join('\n')}\n`);
      return path;
    };
    const ours = await file('ours.tsv', ['1\tNEEDS_MORE_RATINGS', '2\tCURRENTLY_RATED_HELPFUL']);
    const same = await file('same.tsv', ['2\tNEEDS_MORE_RATINGS', '1\tNEEDS_MORE_RATINGS']);
    const fewer = await file('fewer.tsv', ['1\tNEEDS_MORE_RATINGS']);
    const twice = await file('twice.tsv', ['1\tA', '2\tA', '2\tB']);

    const alike = await builtBridgenotes('compare', ours, same);
    expect(alike).toMatchObject({ code: 0, stderr: '' });
    expect(alike.stdout).toContain('finalRatingStatus: 1 of 2 equal (50.00 %)');
    const missing = await builtBridgenotes('compare', ours, fewer);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('only in ours: 1 noteIds, e.g. 2');
    const repeated = await builtBridgenotes('compare', ours, twice, '--json');
    expect(repeated.code).toBe(1);
    expect(JSON.parse(repeated.stdout)).toMatchObject({ duplicates: { ours: 0, reference: 1 } });
    expect((await builtBridgenotes('compare', ours, join(dir, 'absent.tsv'))).code).toBe(3);
  });
});
