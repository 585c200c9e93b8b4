import { minimiseLbfgs } from './lbfgs';

/**
 * §8.6's classifier (`topic_model.py`): a bag of words with TF-IDF weights and scikit-learn's
 * `LogisticRegression` defaults (L2, C = 1, intercepts unpenalised; one logit for two classes,
 * the multinomial model for more), trained on the posts' seed labels (posts matching several
 * topics left out) with every token that contains a seed term removed, so it learns the topics'
 * other words. Its probabilities then extend the labels to posts no seed term matched, and drop a
 * seed label only when the model gives that topic less than 1 %.
 */
export interface TopicClassifier {
  /** Class of each column of the probabilities: 0 unassigned, t + 1 the t-th topic. */
  readonly classes: readonly number[];
  readonly vocabulary: ReadonlyMap<string, number>;
  readonly idf: Float64Array;
  /**
   * One row per vocabulary term, one column per logit (one for two classes, else one per class):
   * a post's few terms then read contiguous weights.
   */
  readonly weights: Float64Array;
  readonly intercepts: Float64Array;
  /** The fit's L-BFGS iterations and its largest gradient component at the end. */
  readonly iterations: number;
  readonly gradientNorm: number;
}

/** The reference's settings. */
const C = 1;
const MAX_ITERATIONS = 1000;
/**
 * On the gradient of the objective divided by the number of posts: below what double precision
 * resolves on real data, so the fit ends where no step lowers the objective any more, at the
 * optimum to machine precision (scikit-learn's own fit stops at 1e-4).
 */
const TOLERANCE = 1e-10;

const WORD = '(?<![\\p{L}\\p{N}_])[\\p{L}\\p{N}_]{2,}';

/**
 * The reference's post text (`_prepare_post_text`): each URL replaced by its words of four
 * letters or more (so that a URL's fragments do not match seed terms), unless it holds a seed
 * term with a dot, then `_` and `/` turned into spaces.
 */
export function preparePostText(text: string, dottedTerms: readonly RegExp[]): string {
  const urls = text.replace(/https?:\/\/[^\s)\]]+/g, (url) =>
    dottedTerms.some((term) => term.test(url))
      ? url
      : (url.match(/[a-zA-Z]+/g) ?? []).filter((word) => word.length >= 4).join(' '),
  );
  return urls.replace(/[_/]/g, ' ');
}

/**
 * scikit-learn's `strip_accents='unicode'` after lower-casing: decompose (NFKD) and drop the
 * combining characters, those of a non-zero canonical combining class, as `unicodedata.combining`
 * finds them; vowel signs of class 0 (Devanagari, Thai) stay.
 */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, (mark) => (isCombining(mark) ? '' : mark));
}

const combining = new Map<string, boolean>();
/**
 * Class 1 marks (overlays), which the reordering test below cannot tell from class 0: Unicode's
 * list (DerivedCombiningClass.txt, ccc=1).
 */
const OVERLAYS = new RegExp(
  '[\\u0334-\\u0338\\u1CD4\\u1CE2-\\u1CE8\\u20D2\\u20D3\\u20D8-\\u20DA' +
    '\\u20E5\\u20E6\\u20EA\\u20EB\\u{10A39}\\u{16AF0}-\\u{16AF4}\\u{1BC9E}\\u{1D167}-\\u{1D169}]',
  'u',
);

/**
 * Whether a mark has a non-zero combining class. JavaScript exposes no class, but canonical
 * ordering does: NFD moves a mark after a following class-1 mark exactly when its own class is
 * above 1.
 */
function isCombining(mark: string): boolean {
  let known = combining.get(mark);
  if (known === undefined) {
    known = OVERLAYS.test(mark) || `a${mark}\u0334`.normalize('NFD') === `a\u0334${mark}`;
    combining.set(mark, known);
  }
  return known;
}

/**
 * The reference's tokenizer: a URL holding a dotted seed term is that term, anything else is a
 * word of two or more letters, digits or underscores (Python's `\b\w\w+\b`).
 */
export function tokenizer(dottedPatterns: readonly string[]): (text: string) => string[] {
  const urlAlternatives = dottedPatterns.map((pattern) => `(?:https?://)?(${pattern})(?:/\\S+)?`);
  const pattern = new RegExp([...urlAlternatives, WORD].join('|'), 'giu');
  return (text) => {
    const tokens: string[] = [];
    for (const match of normalise(text).matchAll(pattern)) {
      tokens.push(match.slice(1).find((group) => group !== undefined) ?? match[0]);
    }
    return tokens;
  };
}

/**
 * Tokens to drop: those containing a seed term (its escapes removed or read as a dot, then
 * lower-cased and stripped of accents as tokens are), decided once per distinct token.
 */
export function isSeedToken(blocked: readonly string[]): (token: string) => boolean {
  const terms = blocked.map(normalise);
  const decided = new Map<string, boolean>();
  return (token) => {
    let seed = decided.get(token);
    if (seed === undefined) {
      seed = terms.some((term) => token.includes(term));
      decided.set(token, seed);
    }
    return seed;
  };
}

interface Rows {
  readonly start: Int32Array;
  readonly column: Int32Array;
  readonly value: Float64Array;
}

/** TF-IDF rows (scikit-learn's `TfidfTransformer`: smooth idf, each row of unit length). */
function tfidfRows(
  documents: readonly string[][],
  vocabulary: ReadonlyMap<string, number>,
  idf: Float64Array,
): Rows {
  const start = new Int32Array(documents.length + 1);
  const columns: number[] = [];
  const values: number[] = [];
  documents.forEach((tokens, d) => {
    const counts = new Map<number, number>();
    for (const token of tokens) {
      const column = vocabulary.get(token);
      if (column !== undefined) counts.set(column, (counts.get(column) ?? 0) + 1);
    }
    const entries = [...counts].sort((a, b) => a[0] - b[0]);
    let norm = 0;
    for (const [column, count] of entries) norm += (count * idf[column]) ** 2;
    norm = Math.sqrt(norm);
    for (const [column, count] of entries) {
      columns.push(column);
      values.push(norm > 0 ? (count * idf[column]) / norm : 0);
    }
    start[d + 1] = columns.length;
  });
  return { start, column: Int32Array.from(columns), value: Float64Array.from(values) };
}

/**
 * Trains the classifier on the tokens of the posts given with their seed labels (0 for none),
 * with scikit-learn's document-frequency limits for `posts` posts in all; undefined when fewer
 * than two classes or no term remain (where scikit-learn raises).
 */
export function trainTopicClassifier(
  documents: readonly string[][],
  labels: readonly number[],
  posts: number,
): TopicClassifier | undefined {
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  if (classes.length < 2) return undefined;
  const minDf = posts < 2000 ? 1 : 25;
  const maxDf = Math.max(1000, Math.floor(0.25 * posts));
  const df = new Map<string, number>();
  for (const tokens of documents) {
    for (const token of new Set(tokens)) df.set(token, (df.get(token) ?? 0) + 1);
  }
  const terms = [...df]
    .filter(([, count]) => count >= minDf && count <= maxDf)
    .map(([term]) => term)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (terms.length === 0) return undefined;
  const vocabulary = new Map(terms.map((term, column) => [term, column]));
  const n = documents.length;
  const idf = Float64Array.from(terms, (term) => Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1);
  const rows = tfidfRows(documents, vocabulary, idf);
  const logits = classes.length === 2 ? 1 : classes.length;
  const width = terms.length;
  const target = labels.map((label) => classes.indexOf(label));
  const parameters = new Float64Array(logits * (width + 1));
  const fit = minimiseLbfgs(
    (x, gradient) => logisticLoss(x, gradient, rows, target, logits, width),
    parameters,
    TOLERANCE,
    MAX_ITERATIONS,
  );
  return {
    classes,
    vocabulary,
    idf,
    weights: parameters.slice(0, logits * width),
    intercepts: parameters.slice(logits * width),
    iterations: fit.iterations,
    gradientNorm: fit.gradientNorm,
  };
}

/**
 * scikit-learn's objective divided by the number of posts: (C·Σ log-loss + ½‖W‖²) / n, the
 * intercepts (stored after the weights) not penalised; one logit is the binary model.
 */
function logisticLoss(
  x: Float64Array,
  gradient: Float64Array,
  rows: Rows,
  target: readonly number[],
  logits: number,
  width: number,
): number {
  const n = target.length;
  const intercepts = logits * width;
  const { start, column, value } = rows;
  let loss = 0;
  gradient.fill(0);
  const z = new Float64Array(logits);
  const residual = new Float64Array(logits);
  for (let d = 0; d < n; d++) {
    for (let k = 0; k < logits; k++) z[k] = x[intercepts + k];
    for (let e = start[d]; e < start[d + 1]; e++) {
      const base = column[e] * logits;
      for (let k = 0; k < logits; k++) z[k] += x[base + k] * value[e];
    }
    if (logits === 1) {
      // log(1 + e^z) − t·z, stably; its derivative σ(z) − t.
      const t = target[d];
      loss += Math.max(z[0], 0) + Math.log1p(Math.exp(-Math.abs(z[0]))) - t * z[0];
      residual[0] = 1 / (1 + Math.exp(-z[0])) - t;
    } else {
      let max = -Infinity;
      for (let k = 0; k < logits; k++) max = Math.max(max, z[k]);
      let total = 0;
      for (let k = 0; k < logits; k++) total += Math.exp(z[k] - max);
      loss += max + Math.log(total) - z[target[d]];
      for (let k = 0; k < logits; k++) {
        residual[k] = Math.exp(z[k] - max) / total - (k === target[d] ? 1 : 0);
      }
    }
    for (let k = 0; k < logits; k++) gradient[intercepts + k] += C * residual[k];
    for (let e = start[d]; e < start[d + 1]; e++) {
      const base = column[e] * logits;
      for (let k = 0; k < logits; k++) gradient[base + k] += C * residual[k] * value[e];
    }
  }
  let penalty = 0;
  for (let i = 0; i < intercepts; i++) {
    penalty += x[i] * x[i];
    gradient[i] += x[i];
  }
  for (let i = 0; i < gradient.length; i++) gradient[i] /= n;
  return (C * loss + penalty / 2) / n;
}

/** Each post's probability per topic label (index 0 unassigned, t + 1 the t-th of `topics`). */
export function topicProbabilities(
  classifier: TopicClassifier,
  documents: readonly string[][],
  topics: number,
): Float64Array[] {
  const rows = tfidfRows(documents, classifier.vocabulary, classifier.idf);
  const logits = classifier.intercepts.length;
  return documents.map((_, d) => {
    const z = Float64Array.from(classifier.intercepts);
    for (let e = rows.start[d]; e < rows.start[d + 1]; e++) {
      const base = rows.column[e] * logits;
      for (let k = 0; k < logits; k++) z[k] += classifier.weights[base + k] * rows.value[e];
    }
    let classProbabilities: number[];
    if (logits === 1) {
      const p = 1 / (1 + Math.exp(-z[0]));
      classProbabilities = [1 - p, p];
    } else {
      const max = Math.max(...z);
      const exp = Array.from(z, (value) => Math.exp(value - max));
      const total = exp.reduce((a, b) => a + b, 0);
      classProbabilities = exp.map((value) => value / total);
    }
    const full = new Float64Array(topics + 1);
    classifier.classes.forEach((label, j) => (full[label] = classProbabilities[j]));
    return full;
  });
}

/** scikit-learn's `balanced_accuracy_score`: the mean recall over the true labels' classes. */
export function balancedAccuracy(truth: readonly number[], predicted: readonly number[]): number {
  const totals = new Map<number, { count: number; right: number }>();
  truth.forEach((label, i) => {
    const entry = totals.get(label) ?? { count: 0, right: 0 };
    entry.count++;
    if (predicted[i] === label) entry.right++;
    totals.set(label, entry);
  });
  let sum = 0;
  for (const { count, right } of totals.values()) sum += right / count;
  return totals.size > 0 ? sum / totals.size : NaN;
}
