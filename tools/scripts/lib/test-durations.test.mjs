// `node --test tools/scripts`: the split of `npm test`'s shards by recorded duration.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import durations from './test-durations.cjs';

const { estimates, root, split } = durations;
const file = (path) => join(root, path);

describe('split', () => {
  it('gives each shard about the same time, longest files first, not the same count', () => {
    const files = ['a', 'b', 'c', 'd', 'e', 'f'];
    const seconds = [300, 100, 100, 50, 50, 20];
    const shards = split(files, seconds, 2);
    assert.deepEqual(
      shards.map((shard) => shard.indexes.map((index) => files[index])),
      [
        ['a', 'f'],
        ['b', 'c', 'd', 'e'],
      ],
    );
    assert.deepEqual(
      shards.map((shard) => shard.seconds),
      [320, 300],
    );
  });

  it('splits the same files the same way whatever their order, so shards never overlap', () => {
    const files = ['x', 'y', 'z', 'w'];
    const seconds = [10, 10, 10, 10];
    const named = (order) =>
      split(
        order.map((index) => files[index]),
        order.map((index) => seconds[index]),
        3,
      ).map((shard) => shard.indexes.map((index) => files[order[index]]).sort());
    assert.deepEqual(named([0, 1, 2, 3]), named([3, 1, 0, 2]));
  });
});

describe('estimates', () => {
  const recorded = {
    server: {
      'apps/api/src/a.spec.ts': 40,
      'apps/api/src/b.spec.ts': 10,
      'apps/api/src/c.spec.ts': 20,
      'libs/queue/src/q.spec.ts': 2,
    },
  };

  it('takes the recorded seconds, and for a new file the median of its project', () => {
    const files = ['apps/api/src/a.spec.ts', 'apps/api/src/new.spec.ts'].map(file);
    assert.deepEqual(estimates(files, 'server', recorded), [40, 20]);
  });

  it("takes the pass's median for a new project, and a guess for a pass never recorded", () => {
    assert.deepEqual(estimates([file('libs/new/src/n.spec.ts')], 'server', recorded), [20]);
    assert.deepEqual(estimates([file('apps/api/src/a.spec.ts')], 'embedded', recorded), [10]);
  });
});
