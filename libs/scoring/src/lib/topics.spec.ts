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

describe('assignTopics (§8.6 seed labels per post)', () => {
  it("labels every note of a post whose joined text matches exactly one topic's terms", () => {
    const input = inputOf([
      { id: 'a1', post: 'p1', text: 'The transfer of Ronaldo was reported' },
      { id: 'a2', post: 'p1', text: 'the club denies it' },
      { id: 'b1', post: 'p2', text: 'an ordinary note' },
      { id: 'c1', post: 'p3', text: 'Messi and a Gaza headline' },
      { id: 'd1', text: 'Zelensky said' },
    ]);
    expect(topicOf(input)).toEqual(['MessiRonaldo', 'MessiRonaldo', null, null, 'UkraineConflict']);
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
    ]);
    expect(topicOf(input, seeds)).toEqual(['Elections', null, 'Elections']);
    expect(assignTopics(input, seeds).topicNotes).toBe(2);
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
