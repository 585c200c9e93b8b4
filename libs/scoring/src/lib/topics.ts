import type { ScoringInput } from './scoring-input';

/** One topic and the seed terms that label a post with it (§8.6). */
export interface TopicSeed {
  readonly topic: string;
  /**
   * Terms matched case-insensitively anywhere in the post's text. A term is literal text except
   * for three escapes the reference's own terms use: `\b` (a word boundary), `\s+` (any run of
   * whitespace) and `\.` (a dot). Nothing else is a pattern, so an operator's terms can never
   * make matching slow (no backtracking regular expressions from user input).
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

/** The regular expression a seed term stands for (see `TopicSeed.terms`). */
export function seedTermPattern(term: string): string {
  if (!isValidSeedTerm(term)) throw new Error(`unsupported seed term ${JSON.stringify(term)}`);
  let pattern = '';
  let last = 0;
  for (const match of term.matchAll(ESCAPE)) {
    pattern += escapeLiteral(term.slice(last, match.index)) + '\\' + match[1];
    last = (match.index ?? 0) + match[0].length;
  }
  return pattern + escapeLiteral(term.slice(last));
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export interface TopicAssignment {
  /** Index into `topics` of each note's topic, −1 for none. */
  readonly noteTopic: Int16Array;
  readonly topics: readonly string[];
  /** Number of notes with a topic. */
  readonly topicNotes: number;
}

/**
 * §8.6 seed labelling, as the reference labels posts: each post's text is its notes' texts
 * joined (lower-cased); a post matching the terms of exactly one topic gets that topic, a post
 * matching several gets none, and every note takes its post's topic. A note without a post is
 * its own post. The reference then trains a TF-IDF classifier on these labels that may drop a
 * seed label it finds implausible (P(unassigned) > 0.99); that step is not reproduced here, so a
 * seed match always stands (on cn-small the reference's Core excludes exactly the seed-matched
 * notes).
 */
export function assignTopics(
  input: Pick<ScoringInput, 'noteIds' | 'notePost' | 'postIds' | 'noteText'>,
  seeds: readonly TopicSeed[] = DEFAULT_TOPIC_SEEDS,
): TopicAssignment {
  const noteCount = input.noteIds.length;
  const noteTopic = new Int16Array(noteCount).fill(-1);
  const matchers = seeds.map(
    (seed) => new RegExp(seed.terms.map(seedTermPattern).join('|') || '(?!)', 'i'),
  );
  const postText: string[] = new Array<string>(input.postIds.length).fill('');
  for (let n = 0; n < noteCount; n++) {
    const post = input.notePost[n];
    if (post >= 0) postText[post] += ' ' + input.noteText[n];
  }
  const labelOf = (text: string): number => {
    let label = -1;
    for (let t = 0; t < matchers.length; t++) {
      if (!matchers[t].test(text)) continue;
      if (label >= 0) return -1;
      label = t;
    }
    return label;
  };
  const postTopic = postText.map((text) => (text.length > 0 ? labelOf(text) : -1));
  let topicNotes = 0;
  for (let n = 0; n < noteCount; n++) {
    const post = input.notePost[n];
    noteTopic[n] = post >= 0 ? postTopic[post] : labelOf(input.noteText[n]);
    if (noteTopic[n] >= 0) topicNotes++;
  }
  return { noteTopic, topics: seeds.map((seed) => seed.topic), topicNotes };
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

/** A topic's name: letters, digits, `_` and `-`, 1 to 40 of them. */
export const TOPIC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
