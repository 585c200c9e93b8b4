import type { ProofJson } from '@bridgenotes/protocol';

import type { RatingRecord, ReplacedRatingRecord } from './export-format';
import { ReplacedRatings } from './replaced-ratings';

// The chain rules alone: proofs are checked by the caller (verify-export), so none is real here.
const proof = {} as ProofJson;

function rating(minute: number, changedBatch: string, noteId = 'note-1'): RatingRecord {
  return {
    cursor: changedBatch,
    id: `rating-${noteId}`,
    noteId,
    raterPseudonym: '7',
    helpfulness: 'HELPFUL',
    tags: [],
    clientMinute: minute,
    proof,
    changedBatch,
  };
}

function version(
  minute: number,
  changedBatch: string,
  replacedBatch: string,
  noteId = 'note-1',
): ReplacedRatingRecord {
  const written = rating(minute, changedBatch, noteId);
  return { ...written, changedBatch, replacedBatch, helpfulness: 'NOT_HELPFUL' };
}

function check(versions: ReplacedRatingRecord[], current: RatingRecord[]) {
  const found: { code: string; subject: string; message: string }[] = [];
  const replaced = new ReplacedRatings((code, subject, message) =>
    found.push({ code, subject, message }),
  );
  for (const each of versions) replaced.add(each);
  const chains = current.map((each) => replaced.checkCurrent(each));
  replaced.finish();
  return { found, chains };
}

describe('ReplacedRatings', () => {
  it('accepts versions that chain to the current rating, ordered by batch as numbers', () => {
    // Batch 9 before 10: as strings "10" would sort first and break the chain.
    const first = version(100, '9', '10');
    const second = version(101, '10', '12');
    const { found, chains } = check([second, first], [rating(102, '12')]);
    expect(found).toEqual([]);
    expect(chains).toEqual([[first, second]]);
  });

  it('reports a version replaced in another batch than the next one was written in', () => {
    const { found } = check([version(100, '9', '11')], [rating(102, '12')]);
    expect(found).toEqual([
      expect.objectContaining({
        code: 'REPLACED_RATING_INVALID',
        subject: 'replaced rating rating-note-1',
        message: expect.stringContaining('replaced in batch 11, but the version after it'),
      }),
    ]);
  });

  it('reports a version replaced no later than it was written', () => {
    const { found } = check([version(100, '12', '12')], [rating(102, '12')]);
    expect(found.map((each) => each.message)).toEqual([
      expect.stringContaining('not after the batch 12 that wrote it'),
    ]);
  });

  it('reports a version whose minute is not before the next version’s', () => {
    const { found } = check([version(102, '9', '12')], [rating(102, '12')]);
    expect(found.map((each) => each.message)).toEqual([
      expect.stringContaining('its minute 102 is not before the minute 102'),
    ]);
  });

  it('reports batches that are not decimal numbers', () => {
    const { found } = check([version(100, 'x9', '12')], [rating(102, '12')]);
    expect(found.map((each) => each.message)).toEqual([
      expect.stringContaining('not decimal numbers'),
    ]);
  });

  it('reports versions of a note no current rating by their pseudonym has, and only those', () => {
    const { found, chains } = check(
      [version(100, '9', '12'), version(100, '9', '12', 'note-gone')],
      [rating(102, '12')],
    );
    expect(chains[0]).toHaveLength(1);
    expect(found).toEqual([
      expect.objectContaining({
        subject: 'replaced rating rating-note-gone',
        message: expect.stringContaining('no current rating of its note by its pseudonym'),
      }),
    ]);
  });
});
