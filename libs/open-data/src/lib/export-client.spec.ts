import { fakeInstance, type Answer, type ServedRequest } from '../testing/fake-instance';
import { community, type Streams } from '../testing/memory-export';
import type { RetryNotice } from './export-client';
import type { ExportManifest } from './export-format';
import { httpSource } from './http-source';

/** The members of a community of five, read two by two. */
function fiveMembers() {
  const { manifest, members, roots } = community([1n, 2n, 3n, 4n, 5n]);
  return { manifest, streams: { members, roots } as Partial<Streams> };
}

async function membersOf(
  instance: { url: string; slug: string },
  timeoutMs = 5_000,
  onRetry?: (notice: RetryNotice) => void,
) {
  const source = httpSource(instance.url, instance.slug, {
    pageSize: 2,
    limits: { timeoutMs },
    retries: 2,
    retryDelayMs: 5,
    onRetry,
  });
  const leaves: number[] = [];
  for await (const member of source.records('members')) leaves.push(member.leafIndex);
  return leaves;
}

let seen = 0;

/** `answer` for the `nth` request of the members stream (1-based), served otherwise. */
const onMembersRequest =
  (nth: number[], answer: Answer) =>
  (request: ServedRequest): Answer => {
    if (request.path !== 'members') return { kind: 'serve' };
    seen += 1;
    return nth.includes(seen) ? answer : { kind: 'serve' };
  };

describe('httpSource over an unreliable network', () => {
  let state: { manifest: ExportManifest; streams: Partial<Streams> };
  beforeEach(() => {
    seen = 0;
    state = fiveMembers();
  });

  it('asks a page cut off mid-answer again from the same cursor, and reads the stream whole', async () => {
    const instance = await fakeInstance(state, onMembersRequest([2], { kind: 'cut' }));
    try {
      expect(await membersOf(instance)).toEqual([0, 1, 2, 3, 4]);
      const afters = instance.requests
        .filter((request) => request.path === 'members')
        .map((request) => request.query.get('after'));
      expect(afters).toEqual([null, '1', '1', '3']);
    } finally {
      await instance.close();
    }
  });

  it('gives up on a server that stops answering, within its time limit, naming the URL', async () => {
    const instance = await fakeInstance(state, onMembersRequest([2, 3, 4], { kind: 'stall' }));
    try {
      await expect(membersOf(instance, 200)).rejects.toThrow(
        `GET ${instance.url}/communities/memory/export/members?limit=2&after=1: not complete after 200 ms (after 3 attempts)`,
      );
    } finally {
      await instance.close();
    }
  });

  it('waits out a busy server (503, Retry-After) but not a refusal (404)', async () => {
    const busy = await fakeInstance(
      state,
      onMembersRequest([1], { kind: 'status', status: 503, retryAfter: 1 }),
    );
    const notices: RetryNotice[] = [];
    try {
      expect(await membersOf(busy, 5_000, (notice) => notices.push(notice))).toEqual([
        0, 1, 2, 3, 4,
      ]);
      expect(notices).toEqual([
        {
          url: `${busy.url}/communities/memory/export/members?limit=2`,
          attempt: 2,
          reason: `GET ${busy.url}/communities/memory/export/members?limit=2: answered 503 (BUSY)`,
          delayMs: 1_000,
        },
      ]);
    } finally {
      await busy.close();
    }
    seen = 0;
    const refusing = await fakeInstance(
      state,
      onMembersRequest([1], { kind: 'status', status: 404 }),
    );
    try {
      await expect(membersOf(refusing)).rejects.toThrow(
        `GET ${refusing.url}/communities/memory/export/members?limit=2: answered 404 (BUSY)`,
      );
      expect(refusing.requests.filter((request) => request.path === 'members')).toHaveLength(1);
    } finally {
      await refusing.close();
    }
  });

  it('names the URL when nothing listens there', async () => {
    const instance = await fakeInstance(state);
    await instance.close();
    await expect(membersOf(instance)).rejects.toThrow(
      new RegExp(
        `^GET ${instance.url}/communities/memory/export failed: the origin refused the connection \\(ECONNREFUSED\\) \\(after 3 attempts\\)$`,
      ),
    );
  });
});
