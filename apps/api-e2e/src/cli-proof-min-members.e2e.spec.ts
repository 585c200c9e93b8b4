import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { commitmentOf, createIdentity, exportIdentity } from '@bridgenotes/client';
import { currentTestRun } from '@bridgenotes/testing';
import { builtBridgenotes } from './support/cli';
import { untilReady } from './support/http';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';

const OPERATOR_KEY = 'e2e-cli-min-members-operator-key';

/**
 * The CLI in a community below the instance's minimum anonymity set: it says how many members
 * the community needs, before spending seconds on a proof the API would refuse
 * (`403 PROOF_ROOT_TOO_SMALL`). The test run turns the minimum off (1); this API runs with the
 * default, 20.
 */
describe('bridgenotes in a community too small to prove in', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let baseUrl: string;
  let home: string;

  beforeAll(async () => {
    ({ api, apiUrl: baseUrl } = await startBuiltApi({
      QUEUE_PREFIX: `${run.queuePrefix}-cli-min`,
      ...operatorKeyEnv(OPERATOR_KEY),
      PROOF_MIN_MEMBERS: '20',
    }));
    home = await mkdtemp(join(tmpdir(), 'bn-cli-min-'));
    await untilReady(baseUrl);
  });

  afterAll(async () => {
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await api?.exited;
    if (home) await rm(home, { recursive: true, force: true });
  });

  async function operator(path: string, body: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_KEY}` },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${path}: ${await response.text()}`);
    return response.json();
  }

  it('says the community needs 20 members and how many it has, and proves nothing', async () => {
    const slug = `cli-min-${Date.now().toString(36)}`;
    await operator('/communities', { slug, name: 'Too small', admission: 'CLOSED' });
    const member = createIdentity();
    const others = [createIdentity(), createIdentity()];
    await operator(`/communities/${slug}/members/batch`, {
      commitments: [member, ...others].map(commitmentOf),
    });
    const identity = join(home, 'member');
    await writeFile(identity, `${exportIdentity(member)}\n`, { mode: 0o600 });

    const note = await builtBridgenotes(
      'note',
      baseUrl,
      '--community',
      slug,
      '--identity',
      identity,
      '--post',
      'https://example.com/story/1',
      '--classification',
      'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      '--reasons',
      'MISSING_IMPORTANT_CONTEXT',
      '--text',
      'The photo is from 2019',
      '--sources',
      'https://example.org/archive',
    );
    expect(note.code).toBe(1);
    expect(note.stderr).toContain(
      `refused (PROOF_ROOT_TOO_SMALL): ${slug} needs 20 members before anyone can write, rate or invite there (it has 3)`,
    );
    expect(note.stderr).not.toContain('proving');

    const json = await builtBridgenotes(
      'rate',
      baseUrl,
      '--community',
      slug,
      '--identity',
      identity,
      '--note',
      '00000000-0000-4000-8000-000000000001',
      '--helpfulness',
      'HELPFUL',
      '--json',
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      code: 'PROOF_ROOT_TOO_SMALL',
      details: { required: 20, members: 3 },
    });
  });
});
