import { ScoringInputBuilder } from './scoring-input';
import { assignTopics, isValidSeedTerm, seedTermPattern, type TopicSeed } from './topics';

function inputOf(notes: { id: string; post?: string; text?: string }[]) {
  const builder = new ScoringInputBuilder();
  for (const note of notes) {
    builder.addNote(note.id, {
      createdAtMs: 0,
      misleading: true,
      postId: note.post,
      text: note.text,
    });
  }
  return builder.build();
}

const topicOf = (input: ReturnType<typeof inputOf>, seeds?: readonly TopicSeed[]) => {
  const { noteTopic, topics } = assignTopics(input, seeds);
  return input.noteIds.map((_, n) => (noteTopic[n] >= 0 ? topics[noteTopic[n]] : null));
};

/** Posts that match no topic, each with words of its own: most posts, as in real data. */
const ordinary = (count: number) =>
  Array.from({ length: count }, (_, k) => ({
    id: `o${k}`,
    post: `o${k}`,
    text: `weather forecast rain ${k} city council meeting`,
  }));

describe('assignTopics (§8.6 seed labels per post, then the classifier)', () => {
  it("labels every note of a post whose joined text matches exactly one topic's terms", () => {
    const input = inputOf([
      { id: 'a1', post: 'p1', text: 'The transfer of Ronaldo was reported' },
      { id: 'a2', post: 'p1', text: 'the club denies it' },
      { id: 'b1', post: 'p2', text: 'an ordinary note' },
      { id: 'd1', text: 'Zelensky said' },
      ...ordinary(8),
    ]);
    expect(topicOf(input)).toEqual([
      'MessiRonaldo',
      'MessiRonaldo',
      null,
      'UkraineConflict',
      ...Array(8).fill(null),
    ]);
  });

  it('matches a term only from the start of a word unless it says otherwise', () => {
    const input = inputOf([
      { id: 'a', post: 'p1', text: 'pro-russia posts' },
      { id: 'b', post: 'p2', text: 'russia today' },
      { id: 'c', post: 'p3', text: 'see https://example.com/ukraine_map' },
      ...ordinary(8),
    ]);
    // The URL keeps only its long words ("example", "ukraine"), then matches as text does.
    expect(topicOf(input).slice(0, 3)).toEqual([null, 'UkraineConflict', 'UkraineConflict']);
  });

  it('honours word boundaries and whitespace runs as the reference writes them', () => {
    const input = inputOf([
      { id: 'a', post: 'p1', text: 'messianic claims' },
      { id: 'b', post: 'p2', text: 'an undisclosed   ad here' },
      { id: 'c', post: 'p3', text: 'visit help.x.com' },
      { id: 'd', post: 'p4', text: 'visit helpxxcom' },
    ]);
    expect(topicOf(input)).toEqual([null, 'Scams', 'Scams', null]);
  });

  it("takes a community's own topics and terms", () => {
    const seeds: TopicSeed[] = [{ topic: 'Elections', terms: ['ballot', '\\bvote\\b'] }];
    const input = inputOf([
      { id: 'a', post: 'p1', text: 'Ballot boxes' },
      { id: 'b', post: 'p2', text: 'devoted to Ronaldo' },
      { id: 'c', post: 'p3', text: 'we vote today' },
      ...ordinary(8),
    ]);
    expect(topicOf(input, seeds).slice(0, 3)).toEqual(['Elections', null, 'Elections']);
    expect(assignTopics(input, seeds).topicNotes).toBe(2);
  });

  describe('the classifier', () => {
    const seeds: TopicSeed[] = [
      { topic: 'Football', terms: ['ronaldo'] },
      { topic: 'Tennis', terms: ['federer'] },
    ];
    const posts = (prefix: string, text: string) =>
      Array.from({ length: 12 }, (_, k) => ({ id: `${prefix}${k}`, post: `${prefix}${k}`, text }));
    const input = inputOf([
      ...posts('f', 'ronaldo striker goal stadium'),
      ...posts('t', 'federer racket serve court'),
      ...ordinary(12),
      // No seed term, but the topic's other words.
      { id: 'x', post: 'x', text: 'a striker, a goal, a stadium' },
      // A seed term among the other posts' words: its seed label stands.
      { id: 'y', post: 'y', text: 'ronaldo weather forecast rain city council meeting' },
      // Both topics' terms among ordinary words: the likelier of the two, as the reference's
      // merge does, where the same words alone (w) get no topic.
      { id: 'z', post: 'z', text: 'Ronaldo, Federer: weather forecast rain, city stadium' },
      { id: 'w', post: 'w', text: 'weather forecast rain, city stadium' },
    ]);
    const assignment = assignTopics(input, seeds);
    const topic = (id: string) => topicOf(input, seeds)[input.noteIds.indexOf(id)];

    it('extends a topic to posts with its other words', () => {
      expect(topic('x')).toBe('Football');
      expect(topic('o3')).toBeNull();
      expect(topic('f0')).toBe('Football');
      expect(topic('t0')).toBe('Tennis');
      expect(assignment.classifier).toMatchObject({ addedPosts: 2, droppedPosts: 0 });
      expect(assignment.classifier?.balancedAccuracy).toBeGreaterThan(0.35);
    });

    it('keeps a seed label unless the classifier gives its topic less than 1 %', () => {
      expect(topic('y')).toBe('Football');
    });

    it('gives a post matching several topics the likeliest of them', () => {
      expect(topic('w')).toBeNull();
      expect(topic('z')).toBe('Football');
    });

    it('is not trained without two classes among the seed labels', () => {
      const plain = inputOf(ordinary(5));
      expect(assignTopics(plain, seeds).classifier).toBeUndefined();
      expect(assignTopics(plain, seeds).topicNotes).toBe(0);
    });

    it('drops a seed label the classifier gives under 1 %', () => {
      // A rare topic, and a seeded post whose other words are too common to count (more posts
      // than scikit-learn's max_df): only the topic's low prior speaks for it.
      const common = Array.from({ length: 1500 }, (_, k) => ({
        id: `c${k}`,
        post: `c${k}`,
        text: 'weather forecast rain city council meeting',
      }));
      const rare = inputOf([
        ...posts('f', 'ronaldo striker goal stadium'),
        ...common,
        { id: 'y', post: 'y', text: 'ronaldo weather forecast rain city council meeting' },
      ]);
      const result = assignTopics(rare, seeds);
      expect(result.classifier).toMatchObject({ droppedPosts: 1 });
      expect(result.noteTopic[rare.noteIds.indexOf('y')]).toBe(-1);
      expect(result.noteTopic[rare.noteIds.indexOf('f0')]).toBe(0);
    });
  });

  it('takes any literal term, hyphens and dots included, and knows words beyond ASCII', () => {
    const seeds: TopicSeed[] = [
      { topic: 'Scam', terms: ['my-scam\\.com'] },
      { topic: 'Elections', terms: ['\\bвыборы'] },
    ];
    const input = inputOf([
      { id: 'a', post: 'p1', text: 'see https://my-scam.com/offer' },
      { id: 'b', post: 'p2', text: 'выборы сегодня' },
      { id: 'c', post: 'p3', text: 'перевыборы' },
      ...ordinary(8),
    ]);
    expect(topicOf(input, seeds).slice(0, 3)).toEqual(['Scam', 'Elections', null]);
  });

  it('accepts only literal terms with the three escapes, so matching cannot backtrack', () => {
    expect(isValidSeedTerm('drop\\s+ship')).toBe(true);
    expect(isValidSeedTerm('(a+)+$')).toBe(true); // literal text, escaped below
    expect(seedTermPattern('(a+)+$')).toBe('\\(a\\+\\)\\+\\$');
    expect(isValidSeedTerm('a\\d+')).toBe(false);
    expect(isValidSeedTerm('')).toBe(false);
    expect(() => seedTermPattern('\\w')).toThrow(/unsupported seed term/);
  });
});
