/**
 * Topic assignment (§8.6, `assignTopics`: seed labels, then the TF-IDF logistic-regression
 * classifier) on its own, on text with a real vocabulary, which `bench:scoring`'s two stock
 * sentences do not have:
 *
 *   npm run bench:topics -- [--posts 25000,100000] [--words 20] [--vocabulary 20000] [--seed 1]
 *
 * Each post is one note of `--words` words drawn from `--vocabulary` made-up words (a skewed
 * draw, so a few are common and most rare), and 1 % of posts each mention Ronaldo, Gaza and Putin
 * (three of the default topics, with a word of their own). Prints per size the topic notes, the
 * classifier's figures, CPU and wall seconds and the RSS.
 */
import { loadavg } from 'node:os';

import { integerOption, parseArguments } from '../src/cli/arguments';
import { Random } from '../src/lib/random';
import { ScoringInputBuilder, type ScoringInput } from '../src/lib/scoring-input';
import { assignTopics } from '../src/lib/topics';

function corpus(posts: number, words: number, vocabulary: number, seed: number): ScoringInput {
  const random = new Random(seed);
  const lexicon = Array.from({ length: vocabulary }, (_, k) => `w${k.toString(36)}x`);
  const builder = new ScoringInputBuilder();
  for (let p = 0; p < posts; p++) {
    const text = Array.from(
      { length: words },
      () => lexicon[Math.floor(vocabulary * random.next() ** 3)],
    );
    const topic = random.next();
    if (topic < 0.01) text.push('ronaldo', 'striker');
    else if (topic < 0.02) text.push('gaza', 'ceasefire');
    else if (topic < 0.03) text.push('putin', 'sanctions');
    builder.addNote(`n${p}`, {
      createdAtMs: 0,
      misleading: true,
      postId: `p${p}`,
      text: text.join(' '),
    });
  }
  return builder.build();
}

function main(): void {
  const { values } = parseArguments(process.argv.slice(2), {
    values: ['posts', 'words', 'vocabulary', 'seed'],
    usage:
      'npm run bench:topics -- [--posts 25000,100000] [--words 20] [--vocabulary 20000] [--seed 1]\n' +
      'Assigns topics (seed terms, then the classifier) to synthetic posts with a real vocabulary;\n' +
      'prints the topic notes, the classifier figures, CPU and wall seconds and the RSS per size.',
  });
  const sizes = (values.get('posts') ?? '25000,100000').split(',').map((size) => Number(size));
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0)) {
    throw new Error('--posts must be a list of positive integers');
  }
  const words = integerOption(values, 'words', 20);
  const vocabulary = integerOption(values, 'vocabulary', 20_000);
  const seed = integerOption(values, 'seed', 1);
  console.log(
    `load average at start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')}`,
  );
  for (const posts of sizes) {
    const input = corpus(posts, words, vocabulary, seed);
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const assignment = assignTopics(input);
    const used = process.cpuUsage(cpu);
    console.log(
      `${posts} posts: ${assignment.topicNotes} topic notes, classifier ${JSON.stringify(assignment.classifier)}, ` +
        `CPU ${((used.user + used.system) / 1e6).toFixed(2)} s, wall ${((performance.now() - wall) / 1000).toFixed(2)} s, ` +
        `RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
    );
  }
  console.log(
    `load average at end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')}`,
  );
}

main();
