// Jest's test sequencer with `--shard` split by recorded duration (./test-durations.cjs) instead
// of by a hash of the file names, which left one shard of `api` half again as long as the other.
// The order inside a run stays Jest's own (failed first, then the longest).
const Sequencer = require('@jest/test-sequencer').default;

const { estimates, passOf, split } = require('./test-durations.cjs');

class DurationSequencer extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    const files = tests.map((test) => test.path);
    const shards = split(files, estimates(files, passOf()), shardCount);
    return shards[shardIndex - 1].indexes.map((index) => tests[index]);
  }
}

module.exports = DurationSequencer;
