import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { TAG_NAMES } from '../lib/rating-tags';
import { HelpfulnessLevel } from '../lib/scoring-input';
import {
  generateSyntheticCommunity,
  type SyntheticOptions,
  type SyntheticTruth,
} from '../synthetic/synthetic-data';
import { TsvFileWriter } from './tsv-file-writer';
import {
  ENROLLMENT_COLUMNS,
  MISLEADING,
  NOTE_COLUMNS,
  NOT_MISLEADING,
  RATING_COLUMNS,
  STATUS_HISTORY_COLUMNS,
} from './tsv-schema';

const LEVEL_NAMES: { readonly [L in HelpfulnessLevel]: string } = {
  [HelpfulnessLevel.NotHelpful]: 'NOT_HELPFUL',
  [HelpfulnessLevel.SomewhatHelpful]: 'SOMEWHAT_HELPFUL',
  [HelpfulnessLevel.Helpful]: 'HELPFUL',
};

/** A row of `columns` with the given cells filled and the rest empty. */
function rowOf(columns: readonly string[], cells: Record<string, string | number>): string[] {
  return columns.map((name) => (name in cells ? String(cells[name]) : ''));
}

/**
 * Writes a synthetic community as Community Notes' four public files (notes-00000.tsv,
 * ratings/ratings-00000.tsv, noteStatusHistory-00000.tsv, userEnrollment-00000.tsv), so that the
 * CLI and the reference implementation can both score it. Every rater is in modeling group 13,
 * which the reference's stable initialisation requires (§4.4).
 */
export function writeSyntheticTsv(options: SyntheticOptions, outdir: string): SyntheticTruth {
  mkdirSync(join(outdir, 'ratings'), { recursive: true });
  const notes = new TsvFileWriter(join(outdir, 'notes-00000.tsv'), NOTE_COLUMNS);
  const history = new TsvFileWriter(
    join(outdir, 'noteStatusHistory-00000.tsv'),
    STATUS_HISTORY_COLUMNS,
  );
  const ratings = new TsvFileWriter(join(outdir, 'ratings', 'ratings-00000.tsv'), RATING_COLUMNS);
  const postOf = new Map<string, string>();
  const truth = generateSyntheticCommunity(options, {
    note(id, authorId, createdAtMs, misleading, postId) {
      postOf.set(id, postId);
      const common = {
        noteId: id,
        noteAuthorParticipantId: authorId,
        createdAtMillis: createdAtMs,
      };
      notes.row(
        rowOf(NOTE_COLUMNS, {
          ...common,
          tweetId: postId,
          classification: misleading ? MISLEADING : NOT_MISLEADING,
          summary: `synthetic note ${id}`,
          isMediaNote: 0,
          isCollaborativeNote: 0,
        }),
      );
      history.row(rowOf(STATUS_HISTORY_COLUMNS, common));
    },
    rating(noteId, raterId, level, createdAtMs, tags) {
      const tagColumns = Object.fromEntries(
        TAG_NAMES.map((name, tag) => [name, (tags >> tag) & 1]),
      );
      ratings.row(
        rowOf(RATING_COLUMNS, {
          ...tagColumns,
          noteId,
          raterParticipantId: raterId,
          createdAtMillis: createdAtMs,
          version: 2,
          helpful: level === HelpfulnessLevel.Helpful ? 1 : 0,
          notHelpful: level === HelpfulnessLevel.NotHelpful ? 1 : 0,
          helpfulnessLevel: LEVEL_NAMES[level],
          ratedOnTweetId: postOf.get(noteId) ?? '',
          ratingSourceBucketed: 'DEFAULT',
        }),
      );
    },
  });
  notes.close();
  history.close();
  ratings.close();
  const enrollment = new TsvFileWriter(
    join(outdir, 'userEnrollment-00000.tsv'),
    ENROLLMENT_COLUMNS,
  );
  for (const id of truth.raterIds) {
    enrollment.row(
      rowOf(ENROLLMENT_COLUMNS, {
        participantId: id,
        enrollmentState: 'earnedIn',
        successfulRatingNeededToEarnIn: 5,
        timestampOfLastStateChange: 0,
        timestampOfLastEarnOut: 1,
        modelingPopulation: 'CORE',
        modelingGroup: 13,
        numberOfTimesEarnedOut: 0,
      }),
    );
  }
  enrollment.close();
  return truth;
}
