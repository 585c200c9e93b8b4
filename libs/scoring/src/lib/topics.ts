import type { ScoringInput } from './scoring-input';
import {
  balancedAccuracy,
  isSeedToken,
  preparePostText,
  tokenizer,
  topicProbabilities,
  trainTopicClassifier,
} from './topic-classifier';

/** One topic and the seed terms that label a post with it (§8.6). */
export interface TopicSeed {
  readonly topic: string;
  /**
   * Terms matched case-insensitively in the post's text, from the start of a word (after
   * whitespace or at the start, as the reference anchors them) unless the term begins with `\b`
   * or `\s+` or holds `\.`. A term is literal text except for three escapes the reference's
   * own terms use: `\b` (a word boundary), `\s+` (any run of whitespace) and `\.` (a dot).
   * Nothing else is a pattern, so an operator's terms can never make matching slow (no
   * backtracking regular expressions from user input).
   */
  readonly terms: readonly string[];
}

/**
 * The reference's seed terms (`topic_model.py`), its topics 1–4 in its order. Its fifth topic
 * (an India "dimension two" set) is left out: it is scored by a group Gaussian scorer this
 * library does not have.
 */
export const DEFAULT_TOPIC_SEEDS: readonly TopicSeed[] = [
  {
    topic: 'UkraineConflict',
    terms: ['ukrain', 'russia', 'kiev', 'kyiv', 'moscow', 'zelensky', 'putin'],
  },
  { topic: 'GazaConflict', terms: ['israel', 'palestin', 'gaza', 'jerusalem', '\\bhamas\\b'] },
  { topic: 'MessiRonaldo', terms: ['messi\\b', '\\bronaldo'] },
  {
    topic: 'Scams',
    terms: [
      'scam',
      'undisclosed\\s+ad',
      'terms of service',
      'help\\.x\\.com',
      'x\\.com/tos',
      'engagement\\s+farm',
      'spam',
      'gambling',
      'apostas',
      'apuestas',
      'dropship',
      'drop\\s+ship',
      'promotion',
    ],
  },
];

/** Limits on a community's seed terms, so that matching stays cheap. */
export const MAX_TOPICS = 16;
export const MAX_TERMS_PER_TOPIC = 64;
export const MAX_TERM_LENGTH = 64;

const ESCAPE = /\\(b|s\+|\.)/g;

/** Whether a seed term uses only the escapes `seedTermPattern` understands. */
export function isValidSeedTerm(term: string): boolean {
  if (term.length === 0 || term.length > MAX_TERM_LENGTH) return false;
  return !term.replace(ESCAPE, '').includes('\\');
}

/** A word character as Python's `re` sees one in text (letters, digits, `_`), not ASCII only. */
const WORD_CHARACTER = '[\\p{L}\\p{N}_]';
/** Python's `\b` on text: JavaScript's `\b` knows ASCII words only, even with the `u` flag. */
const WORD_BOUNDARY =
  `(?:(?<=${WORD_CHARACTER})(?!${WORD_CHARACTER})` +
  `|(?<!${WORD_CHARACTER})(?=${WORD_CHARACTER}))`;

/**
 * The regular expression a seed term stands for (see `TopicSeed.terms`), for the `u` flag (its
 * `\b` is Unicode-aware, as the reference's Python one).
 */
export function seedTermPattern(term: string): string {
  if (!isValidSeedTerm(term)) throw new Error(`unsupported seed term ${JSON.stringify(term)}`);
  let pattern = '';
  let last = 0;
  for (const match of term.matchAll(ESCAPE)) {
    const escape = match[1] === 'b' ? WORD_BOUNDARY : '\\' + match[1];
    pattern += escapeLiteral(term.slice(last, match.index)) + escape;
    last = (match.index ?? 0) + match[0].length;
  }
  return pattern + escapeLiteral(term.slice(last));
}

/** Only the characters the `u` flag lets (and needs) one escape; `-` is literal out of a class. */
function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface TopicAssignment {
  /** Index into `topics` of each note's topic, −1 for none. */
  readonly noteTopic: Int16Array;
  readonly topics: readonly string[];
  /** Number of notes with a topic. */
  readonly topicNotes: number;
  /**
   * The classifier's part, when one was trained and kept (two classes or more among the seed
   * labels, balanced accuracy above 0.35 on them): posts it gave a topic no seed term matched
   * (or settled among several matched), and seed labels it dropped.
   */
  readonly classifier?: {
    readonly balancedAccuracy: number;
    readonly addedPosts: number;
    readonly droppedPosts: number;
    /** The fit's L-BFGS iterations (at most 1,000, scikit-learn's `max_iter`). */
    readonly iterations: number;
  };
}

/** The reference's bar for keeping the classifier (it stops the run below it). */
const MIN_BALANCED_ACCURACY = 0.35;
/** A label stands while the classifier gives the other classes at most this together. */
const UNASSIGNED_THRESHOLD = 0.99;

/**
 * §8.6 as the reference assigns topics (`topic_model.py`), per post: its notes' texts joined,
 * URLs reduced to their long words and `_`, `/` made spaces (`preparePostText`); seed labels
 * from the terms, lower-cased, a term matching only at the start of a word unless it begins
 * with `\b` or holds a dot; posts matching several topics left unlabelled. The classifier
 * (`topic-classifier.ts`), trained on the other posts, then labels every post by its most
 * likely class, except that a seed label stands unless the classifier gives its topic less than
 * 1 %, and a post matching several topics takes the likeliest of them under the same condition.
 * Without two classes among the seed labels, or when its balanced accuracy on them is 0.35 or
 * less (where the reference stops), the seed labels stand alone. A note takes its post's topic;
 * a note without a post is its own post.
 */
export function assignTopics(
  input: Pick<ScoringInput, 'noteIds' | 'notePost' | 'postIds' | 'noteText'>,
  seeds: readonly TopicSeed[] = DEFAULT_TOPIC_SEEDS,
): TopicAssignment {
  const noteCount = input.noteIds.length;
  const topics = seeds.map((seed) => seed.topic);
  const noteTopic = new Int16Array(noteCount).fill(-1);
  if (seeds.length === 0) return { noteTopic, topics, topicNotes: 0 };
  // Documents: the posts, then the notes without one.
  const documentOf = new Int32Array(noteCount);
  const parts: string[][] = input.postIds.map(() => []);
  for (let n = 0; n < noteCount; n++) {
    const post = input.notePost[n];
    documentOf[n] = post >= 0 ? post : parts.length;
    if (post >= 0) parts[post].push(input.noteText[n]);
    else parts.push([input.noteText[n]]);
  }
  const terms = seeds.flatMap((seed) => seed.terms);
  const dotted = terms.filter((term) => term.includes('\\.')).map(seedTermPattern);
  // The reference keeps a URL whole when it holds a dotted seed term (case-sensitively).
  const dottedMatchers = dotted.map((pattern) => new RegExp(pattern, 'u'));
  const texts = parts.map((notes) => preparePostText(notes.join(' '), dottedMatchers));
  const matchers = seeds.map(
    (seed) => new RegExp(seed.terms.map(anchoredPattern).join('|') || '(?!)', 'iu'),
  );
  // Seed labels: 0 none, t + 1 the t-th topic; a post matching several keeps the list.
  const seedLabel = new Int32Array(texts.length);
  const conflicts: (number[] | undefined)[] = [];
  texts.forEach((text, d) => {
    const lower = text.toLowerCase();
    const found = matchers.flatMap((matcher, t) => (matcher.test(lower) ? [t + 1] : []));
    if (found.length === 1) seedLabel[d] = found[0];
    conflicts.push(found.length > 1 ? found : undefined);
  });
  const { label, classifier } = classify(texts, seedLabel, conflicts, terms, dotted, topics.length);
  let topicNotes = 0;
  for (let n = 0; n < noteCount; n++) {
    noteTopic[n] = label[documentOf[n]] - 1;
    if (noteTopic[n] >= 0) topicNotes++;
  }
  return { noteTopic, topics, topicNotes, ...(classifier && { classifier }) };
}

/**
 * A seed term as the reference matches it: after whitespace or at the start, unless it begins
 * with `\b` or `\s` or holds a dot.
 */
function anchoredPattern(term: string): string {
  const pattern = seedTermPattern(term);
  const bounded = term.startsWith('\\b') || term.startsWith('\\s');
  return term.includes('\\.') || bounded ? pattern : `(?:\\s|^)${pattern}`;
}

/** The classifier's labels merged with the seed labels, as `assignTopics` describes. */
function classify(
  texts: readonly string[],
  seedLabel: Int32Array,
  conflicts: readonly (number[] | undefined)[],
  terms: readonly string[],
  dotted: readonly string[],
  topicCount: number,
): { label: Int32Array; classifier?: TopicAssignment['classifier'] } {
  const tokenize = tokenizer(dotted);
  // The reference's stop words: tokens holding a term with `\s`/`\b` removed, or with every
  // escape read as a dot.
  const blocked = isSeedToken(
    terms.flatMap((term) => [term.trim().replace(/\\[sb]/g, ''), term.trim().replace(/\\./g, '.')]),
  );
  const documents = texts.map((text) => tokenize(text).filter((token) => !blocked(token)));
  const training = texts.flatMap((_, d) => (conflicts[d] ? [] : [d]));
  const model = trainTopicClassifier(
    training.map((d) => documents[d]),
    training.map((d) => seedLabel[d]),
    texts.length,
  );
  if (!model) return { label: seedLabel };
  const probabilities = topicProbabilities(model, documents, topicCount);
  const predicted = Int32Array.from(probabilities, (p) => p.indexOf(Math.max(...p)));
  const accuracy = balancedAccuracy(
    training.map((d) => seedLabel[d]),
    training.map((d) => predicted[d]),
  );
  if (!(accuracy > MIN_BALANCED_ACCURACY)) return { label: seedLabel };
  const label = predicted.slice();
  let addedPosts = 0;
  let droppedPosts = 0;
  for (let d = 0; d < texts.length; d++) {
    const p = probabilities[d];
    const seed = seedLabel[d];
    const matched = conflicts[d];
    if (seed > 0 && 1 - p[seed] <= UNASSIGNED_THRESHOLD) label[d] = seed;
    else if (matched) {
      const best = matched.reduce((a, b) => (p[b] > p[a] ? b : a));
      if (1 - p[best] <= UNASSIGNED_THRESHOLD) label[d] = best;
    }
    if (seed > 0 && label[d] !== seed) droppedPosts++;
    if (seed === 0 && label[d] > 0) addedPosts++;
  }
  return {
    label,
    classifier: {
      balancedAccuracy: accuracy,
      addedPosts,
      droppedPosts,
      iterations: model.iterations,
    },
  };
}

/**
 * A community's stored setting (JSON) as seeds, or undefined when it is not a valid list of
 * `{topic, terms}` within the limits above, so a caller can refuse it instead of scoring on it.
 */
export function parseTopicSeeds(value: unknown): TopicSeed[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_TOPICS) return undefined;
  const seeds: TopicSeed[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { topic, terms } = entry as { topic?: unknown; terms?: unknown };
    if (typeof topic !== 'string' || !TOPIC_NAME_PATTERN.test(topic)) return undefined;
    if (!Array.isArray(terms) || terms.length === 0 || terms.length > MAX_TERMS_PER_TOPIC) {
      return undefined;
    }
    if (!terms.every((term) => typeof term === 'string' && isValidSeedTerm(term))) return undefined;
    seeds.push({ topic, terms: terms as string[] });
  }
  return seeds;
}

/**
 * Seeds as one string, as a run's input hash holds them (`RunInputBuilder`): each topic's name
 * and terms, in order. Two runs scored with the same seeds when these are equal.
 */
export function canonicalTopicSeeds(seeds: readonly TopicSeed[]): string {
  return JSON.stringify(seeds.map(({ topic, terms }) => ({ topic, terms })));
}

/** A topic's name: letters, digits, `_` and `-`, 1 to 40 of them. */
export const TOPIC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
