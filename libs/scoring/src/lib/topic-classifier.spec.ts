import {
  balancedAccuracy,
  isSeedToken,
  normalise,
  tokenizer,
  topicProbabilities,
  trainTopicClassifier,
  type TopicClassifier,
} from './topic-classifier';

function trained(...args: Parameters<typeof trainTopicClassifier>): TopicClassifier {
  const model = trainTopicClassifier(...args);
  if (!model) throw new Error('no classifier');
  return model;
}

describe('the topic classifier (scikit-learn’s TF-IDF and logistic regression, as §8.6 uses them)', () => {
  it('reaches the exact optimum of scikit-learn’s objective', () => {
    // Two posts, one word each, one per class. scikit-learn minimises ½w² + Σ log-loss; by
    // symmetry the intercept is 0 and the two weights ±w with w = σ(−w), i.e. w·(1 + eʷ) = 1.
    let w = 0.4;
    for (let i = 0; i < 50; i++) w -= (w * (1 + Math.exp(w)) - 1) / (1 + Math.exp(w) * (1 + w));
    const model = trained([['goal'], ['rain']], [1, 0], 2);
    expect(model.classes).toEqual([0, 1]);
    const [goal, rain] = topicProbabilities(model, [['goal'], ['rain']], 1);
    expect(goal[1]).toBeCloseTo(1 / (1 + Math.exp(-w)), 9);
    expect(rain[1]).toBeCloseTo(1 / (1 + Math.exp(w)), 9);
    expect(model.intercepts[0]).toBeCloseTo(0, 9);
  });

  it('uses one logit for two classes and one per class beyond', () => {
    const two = trained([['a1'], ['b1']], [0, 2], 2);
    const three = trained([['a1'], ['b1'], ['c1']], [0, 2, 3], 3);
    expect(two.intercepts.length).toBe(1);
    expect(three.intercepts.length).toBe(3);
    expect(trainTopicClassifier([['a1'], ['b1']], [0, 0], 2)).toBeUndefined();
    const [probabilities] = topicProbabilities(three, [['b1']], 3);
    expect(probabilities[1]).toBe(0); // a class no post had
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(probabilities.indexOf(Math.max(...probabilities))).toBe(2);
  });

  it('tokenises as scikit-learn does: accents stripped, words of two characters or more', () => {
    const tokenize = tokenizer(['help\\.x\\.com']);
    expect(tokenize('Café à Zürich, see https://help.x.com/en/rules and x 42')).toEqual([
      'cafe',
      'zurich',
      'see',
      'help.x.com',
      'and',
      '42',
    ]);
  });

  it('scores balanced accuracy over the true classes only', () => {
    expect(balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0])).toBe(0.5);
    expect(balancedAccuracy([0, 1, 1], [0, 1, 2])).toBe(0.75);
  });

  it('strips accents as unicodedata.combining does, keeping vowel signs of class 0', () => {
    expect(normalise('Café Zürich')).toBe('cafe zurich');
    // DEVANAGARI VOWEL SIGN U (class 0) stays; the nukta of क़ (class 7) goes.
    expect(normalise('कुछ')).toBe('कुछ');
    expect(normalise('\u0958')).toBe('\u0915');
    // THAI CHARACTER MAI HAN-AKAT (class 0) stays.
    expect(normalise('กั')).toBe('กั');
    // ≠ decomposes to = and a class-1 overlay, which goes.
    expect(normalise('≠')).toBe('=');
  });

  it('drops every token holding a seed term, whatever the term’s case or accents', () => {
    const blocked = isSeedToken(['Zelensky', 'Élection']);
    expect(blocked('zelensky')).toBe(true);
    expect(blocked('prezelenskyan')).toBe(true);
    expect(blocked('elections')).toBe(true);
    expect(blocked('vote')).toBe(false);
  });

  it('reads each term’s weights for each class, with more terms than classes', () => {
    const model = trained(
      [
        ['rain', 'rain', 'city'],
        ['rain', 'forecast'],
        ['goal', 'stadium'],
        ['goal', 'striker'],
        ['vote', 'ballot'],
        ['ballot', 'poll'],
      ],
      [0, 0, 2, 2, 3, 3],
      6,
    );
    expect(model.gradientNorm).toBeLessThan(1e-9);
    const probabilities = topicProbabilities(model, [['forecast'], ['striker'], ['poll']], 3);
    expect(probabilities.map((p) => p.indexOf(Math.max(...p)))).toEqual([0, 2, 3]);
  });
});
