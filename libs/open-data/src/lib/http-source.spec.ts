import { Group } from '@semaphore-protocol/core';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fakeInstance, type ServedRequest } from '../testing/fake-instance';
import { codes, community, minute, note, scoredRun, type Streams } from '../testing/memory-export';
import type {
  ExportManifest,
  NoteRecord,
  RatingRecord,
  ReplacedRatingRecord,
  RequestRecord,
  RunRecord,
  StatusChangeRecord,
} from './export-format';
import { directorySource, ExportChangedError } from './export-source';
import { httpSource } from './http-source';
import { saveExport } from './save-export';
import { verifyExport } from './verify-export';

const LEAVES = [11n, 22n, 33n];

/** A note sealed in `batch` (the manifest's horizon is 1000). */
const noteIn = (batch: number, changes: Partial<NoteRecord> = {}): NoteRecord => {
  const id = randomUUID();
  return { ...note(null), id, cursor: id, changedBatch: String(batch), ...changes };
};

const ratingOf = (noteId: string, batch: number, rater = 'r1'): RatingRecord => {
  const id = randomUUID();
  return {
    cursor: id,
    id,
    noteId,
    raterPseudonym: rater,
    helpfulness: 'HELPFUL',
    tags: [],
    clientMinute: 29_000_001,
    proof: {} as RatingRecord['proof'],
    changedBatch: String(batch),
  };
};

const byId = <R extends { id: string }>(records: R[]) =>
  records.sort((a, b) => (a.id < b.id ? -1 : 1));

/** The community of LEAVES as an instance serves it, with `streams` beside its membership. */
function live(streams: Partial<Streams> = {}) {
  const { manifest, members, roots } = community(LEAVES);
  return { manifest, streams: { members, roots, ...streams } as Partial<Streams> };
}

/** A member joins: its leaf, the root of the grown tree (the previous one superseded), the manifest's. */
function join4th(state: ReturnType<typeof live>, leaf: bigint) {
  const members = state.streams.members ?? [];
  const roots = state.streams.roots ?? [];
  const leafIndex = members.length;
  const root = new Group([...LEAVES, leaf]).root.toString();
  members.push({ cursor: String(leafIndex), leafIndex, commitment: String(leaf), removedAt: null });
  const last = roots[roots.length - 1];
  if (last) last.supersededAt = minute(20);
  roots.push({
    cursor: '20',
    root,
    size: leafIndex + 1,
    createdAt: minute(20),
    supersededAt: null,
  });
  state.manifest = {
    ...state.manifest,
    community: { ...state.manifest.community, root, treeSize: leafIndex + 1 },
  };
}

/** Runs `change` once, just before the instance answers the first request for `path`. */
function onFirst(path: string, change: () => void) {
  let done = false;
  return (request: ServedRequest) => {
    if (!done && request.path === path) {
      done = true;
      change();
    }
    return { kind: 'serve' } as const;
  };
}

describe('httpSource: a live read bounded by its manifest', () => {
  let folder: string;
  beforeEach(async () => {
    folder = join(await mkdtemp(join(tmpdir(), 'bn-live-')), 'export');
  });
  afterEach(async () => rm(join(folder, '..'), { recursive: true, force: true }));

  it('leaves out a join sealed after the manifest: the roots end at its root, the members at its size', async () => {
    const state = live();
    const instance = await fakeInstance(
      state,
      onFirst('roots', () => join4th(state, 44n)),
    );
    try {
      const report = await verifyExport(httpSource(instance.url, instance.slug));
      expect(codes(report)).toEqual([]);
      expect(report).toMatchObject({ verdict: 'VERIFIED', counts: { members: 3, roots: 2 } });
    } finally {
      await instance.close();
    }
  });

  it('leaves out notes and ratings changed from the horizon on: a note written during the ratings pass and its rating', async () => {
    const early = noteIn(10);
    const state = live({ notes: [early], ratings: [ratingOf(early.id, 11)] });
    const instance = await fakeInstance(
      state,
      onFirst('ratings', () => {
        const late = noteIn(1_000);
        state.streams.notes = byId([...(state.streams.notes ?? []), late]);
        state.streams.ratings = byId([
          ...(state.streams.ratings ?? []),
          ratingOf(late.id, 1_001, 'r2'),
          ratingOf(early.id, 1_002, 'r3'),
        ]);
        state.manifest = { ...state.manifest, changeHorizon: '1003' };
      }),
    );
    try {
      await saveExport(httpSource(instance.url, instance.slug, { pageSize: 1 }), folder);
      const saved = async (stream: string) =>
        (await readFile(join(folder, `${stream}.ndjson`), 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { id: string; noteId?: string });
      expect((await saved('notes')).map(({ id }) => id)).toEqual([early.id]);
      expect((await saved('ratings')).map(({ noteId }) => noteId)).toEqual([early.id]);
      const report = await verifyExport(directorySource(folder));
      expect(codes(report)).not.toContain('RATING_UNKNOWN_NOTE');
    } finally {
      await instance.close();
    }
  });

  it('leaves out a request stored from the horizon on, which a mirror of the saved folder reads in change order', async () => {
    const early = noteIn(10);
    const request = (batch: number): RequestRecord => {
      const id = randomUUID();
      return {
        cursor: id,
        id,
        requesterPseudonym: `p${batch}`,
        post: early.post,
        postRef: { url: 'https://example.com/p' },
        clientMinute: 29_000_001,
        proof: {} as RequestRecord['proof'],
        changedBatch: String(batch),
      };
    };
    const kept = request(12);
    const state = live({ notes: [early], requests: [kept, request(1_000)] });
    const instance = await fakeInstance(state);
    try {
      await saveExport(httpSource(instance.url, instance.slug), folder);
      const saved = (await readFile(join(folder, 'requests.ndjson'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as RequestRecord).id);
      expect(saved).toEqual([kept.id]);
    } finally {
      await instance.close();
    }
  });

  it('fails a live verification plainly when a run is published between the runs and their status changes', async () => {
    const first = scoredRun(randomUUID(), 1, 'FULL');
    const state = live({ runs: [first], 'status-changes': [] });
    const instance = await fakeInstance(
      state,
      onFirst('status-changes', () => publishRun(state, first.id)),
    );
    try {
      await expect(verifyExport(httpSource(instance.url, instance.slug))).rejects.toThrow(
        /the community changed while being read: scoring run .* was published/,
      );
    } finally {
      await instance.close();
    }
  });

  it('judges a run by the change batch it read through, not by the clocks of the worker and the API', async () => {
    const verified = async (run: RunRecord) => {
      const instance = await fakeInstance(live({ runs: [run], 'status-changes': [] }));
      try {
        return await verifyExport(httpSource(instance.url, instance.slug));
      } finally {
        await instance.close();
      }
    };
    // The manifest's horizon is batch 1000, generated at minute 10: a worker whose clock is ahead
    // finished a run that read only what the manifest covers...
    const ahead = { ...scoredRun(randomUUID(), 60, 'FULL'), changedThrough: '999' };
    expect(Date.parse(ahead.finishedAt ?? '')).toBeGreaterThan(Date.parse(minute(10)));
    await expect(verified(ahead)).resolves.toBeDefined();
    // ...and one whose clock is behind, a run that read past it.
    const behind = { ...scoredRun(randomUUID(), -60, 'FULL'), changedThrough: '1000' };
    await expect(verified(behind)).rejects.toThrow(
      /the community changed while being read: scoring run .* was published/,
    );
  });

  it('exports again when a run is published during the read, and saves the records that name it', async () => {
    const first = scoredRun(randomUUID(), 1, 'FULL');
    const state = live({ runs: [first], 'status-changes': [] });
    let second = '';
    const instance = await fakeInstance(
      state,
      onFirst('status-changes', () => {
        second = publishRun(state, first.id);
      }),
    );
    const restarts: string[] = [];
    try {
      await saveExport(httpSource(instance.url, instance.slug), folder, undefined, {
        onRestart: (reason) => restarts.push(reason),
      });
      expect(restarts).toEqual([expect.stringMatching(/scoring run .* was published/)]);
      const changes = await readFile(join(folder, 'status-changes.ndjson'), 'utf8');
      expect(JSON.parse(changes)).toMatchObject({ runId: second });
      const runs = (await readFile(join(folder, 'runs.ndjson'), 'utf8')).split('\n');
      expect(runs.filter(Boolean)).toHaveLength(2);
    } finally {
      await instance.close();
    }
  });

  it('says plainly that the community changed while being read when it changes at every read, and saves nothing', async () => {
    const early = noteIn(10);
    const state = live({ notes: [early] });
    const instance = await fakeInstance(state, (request) => {
      // The note is deleted again and again, each time after the manifest was read.
      if (request.path === 'notes') {
        const batch = Number(state.manifest.changeHorizon);
        state.streams.notes = [{ ...early, deletedAt: minute(30), changedBatch: String(batch) }];
        state.manifest = { ...state.manifest, changeHorizon: String(batch + 1) };
      }
      return { kind: 'serve' };
    });
    try {
      await expect(
        saveExport(httpSource(instance.url, instance.slug), folder, undefined, { attempts: 2 }),
      ).rejects.toThrow(
        new ExportChangedError(
          `the community changed while being read: note ${early.id} was deleted or redacted after the manifest`,
        ),
      );
      await expect(readFile(join(folder, 'manifest.json'))).rejects.toThrow(/ENOENT/);
    } finally {
      await instance.close();
    }
  });

  it('finds, once everything is read, a rating replaced after the manifest and a member removed', async () => {
    const early = noteIn(10);
    const rating = ratingOf(early.id, 11);
    const replaced = live({ notes: [early], ratings: [rating], 'replaced-ratings': [] });
    const replacing = await fakeInstance(
      replaced,
      onFirst('ratings', () => {
        const version: ReplacedRatingRecord = {
          ...rating,
          id: randomUUID(),
          changedBatch: '11',
          replacedBatch: '1000',
        };
        replaced.streams['replaced-ratings'] = [{ ...version, cursor: version.id }];
        replaced.streams.ratings = [{ ...rating, clientMinute: 29_000_002, changedBatch: '1000' }];
      }),
    );
    const removing = live();
    const remover = await fakeInstance(
      removing,
      onFirst('requests', () => removeFirst(removing)),
    );
    try {
      const source = httpSource(replacing.url, replacing.slug);
      await verifyExport(source);
      await expect(source.settle?.()).rejects.toThrow(
        `the community changed while being read: a rating of note ${early.id} was replaced`,
      );
      const other = httpSource(remover.url, remover.slug);
      await verifyExport(other);
      await expect(other.settle?.()).rejects.toThrow(/a member was removed/);
    } finally {
      await replacing.close();
      await remover.close();
    }
  });
});

/** A run published after the manifest, with a status change; the manifest read afterwards. */
function publishRun(state: ReturnType<typeof live>, baseId: string): string {
  const run = { ...scoredRun(randomUUID(), 40, 'INCREMENTAL'), baseRunId: baseId };
  state.streams.runs = [...(state.streams.runs ?? []), run];
  const change: StatusChangeRecord = {
    cursor: '1',
    id: '1',
    noteId: randomUUID(),
    runId: run.id,
    previous: 'NEEDS_MORE_RATINGS',
    next: 'NEEDS_MORE_RATINGS',
    changedAt: minute(41),
  };
  state.streams['status-changes'] = [change];
  state.manifest = { ...state.manifest, generatedAt: minute(50) };
  return run.id;
}

/** The operator removes leaf 0: same size, a new root. */
function removeFirst(state: { manifest: ExportManifest; streams: Partial<Streams> }) {
  const group = new Group(LEAVES);
  group.removeMember(0);
  const root = group.root.toString();
  const roots = state.streams.roots ?? [];
  roots.push({
    cursor: '30',
    root,
    size: LEAVES.length,
    createdAt: minute(30),
    supersededAt: null,
  });
  state.manifest = { ...state.manifest, community: { ...state.manifest.community, root } };
}
