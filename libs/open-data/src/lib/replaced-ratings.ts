import type { ReportDiscrepancy } from './discrepancy';
import type { RatingRecord, ReplacedRatingRecord } from './export-format';

/**
 * The replaced versions of ratings (`replaced-ratings`), checked to be real versions beyond
 * their proofs (checked as ratings' by the caller): a pseudonym's versions of a note, in batch
 * order, must chain to its current rating, each replaced in the batch that wrote the next, at
 * a later proven minute (the instance keeps the latest minute only, docs/protocol.md). A proven
 * version the member made but that the instance never stored as such (another batch, or a
 * rating that did not replace it) would otherwise let a base read data it did not.
 */
export class ReplacedRatings {
  private readonly byPair = new Map<string, ReplacedRatingRecord[]>();

  constructor(private readonly report: ReportDiscrepancy) {}

  add(version: ReplacedRatingRecord): void {
    const pair = pairOf(version);
    const versions = this.byPair.get(pair);
    if (versions) versions.push(version);
    else this.byPair.set(pair, [version]);
  }

  /**
   * The current rating of a note by a pseudonym: its replaced versions, which must chain to it,
   * in the order they were written.
   */
  checkCurrent(rating: RatingRecord): readonly ReplacedRatingRecord[] {
    const pair = pairOf(rating);
    const versions = this.byPair.get(pair);
    if (!versions) return [];
    this.byPair.delete(pair);
    const chain = versions.sort((a, b) => compareBatches(a.changedBatch, b.changedBatch));
    chain.forEach((version, index) => {
      const problem = chainProblem(version, chain[index + 1] ?? rating);
      if (problem) this.invalid(version, problem);
    });
    return chain;
  }

  /** Versions of a note and pseudonym with no current rating: nothing replaced them. */
  finish(): void {
    for (const versions of this.byPair.values()) {
      for (const version of versions) {
        this.invalid(version, 'the export has no current rating of its note by its pseudonym');
      }
    }
  }

  private invalid(version: ReplacedRatingRecord, problem: string): void {
    this.report(
      'REPLACED_RATING_INVALID',
      `replaced rating ${version.id}`,
      `not a version the rating of note ${version.noteId} by this pseudonym had: ${problem}`,
    );
  }
}

/** Why `version` is not the one `next` (the next version, or the current rating) replaced. */
function chainProblem(version: ReplacedRatingRecord, next: RatingRecord): string | undefined {
  const written = batchOf(version.changedBatch);
  const replaced = batchOf(version.replacedBatch);
  if (written === undefined || replaced === undefined) return 'its batches are not decimal numbers';
  if (written >= replaced) {
    return `it was replaced in batch ${version.replacedBatch}, not after the batch ${version.changedBatch} that wrote it`;
  }
  if (next.changedBatch !== undefined && next.changedBatch !== version.replacedBatch) {
    return `it was replaced in batch ${version.replacedBatch}, but the version after it was written in batch ${next.changedBatch}`;
  }
  if (version.clientMinute >= next.clientMinute) {
    return `its minute ${version.clientMinute} is not before the minute ${next.clientMinute} of the version after it`;
  }
  return undefined;
}

const pairOf = (rating: RatingRecord) => `${rating.noteId}|${rating.raterPseudonym}`;

/** A record's change batch; undefined when absent (older exports) or not a decimal number. */
export const batchOf = (value: string | undefined): bigint | undefined =>
  value !== undefined && /^[0-9]{1,19}$/.test(value) ? BigInt(value) : undefined;

const compareBatches = (a: string, b: string) => {
  const [x, y] = [batchOf(a) ?? -1n, batchOf(b) ?? -1n];
  return x < y ? -1 : x > y ? 1 : 0;
};
