import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CLIENT_MINUTE_SLACK_MS } from '../lib/constants';
import { HelpfulnessLevel } from '../lib/scoring-input';
import { scoreNotes } from '../lib/scorer';
import { syntheticScoringInput } from '../synthetic/synthetic-data';
import { helpfulnessLevel, readCommunityNotes } from './community-notes-reader';
import { writeSyntheticTsv } from './synthetic-tsv-writer';
import { writeHelpfulnessScores, writeScoredNotes } from './tsv-output';

describe('Community Notes TSV files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scoring-tsv-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const options = { seed: 4, raters: 300, notes: 200, ratings: 6_000 };
  const paths = (): Parameters<typeof readCommunityNotes>[0] => ({
    notes: join(dir, 'notes-00000.tsv'),
    ratings: join(dir, 'ratings'),
    status: join(dir, 'noteStatusHistory-00000.tsv'),
    enrollment: join(dir, 'userEnrollment-00000.tsv'),
  });

  it("reads members' minutes with the instance's slack only when told the files are an export's", async () => {
    writeSyntheticTsv(options, dir);
    expect((await readCommunityNotes(paths())).input.ratingTimeSlackMs ?? 0).toBe(0);
    const exported = await readCommunityNotes(paths(), { memberMinutes: true });
    expect(exported.input.ratingTimeSlackMs).toBe(CLIENT_MINUTE_SLACK_MS);
  });

  it('round-trips a synthetic community and scores it like the in-memory input', async () => {
    writeSyntheticTsv(options, dir);
    const data = await readCommunityNotes(paths());
    const direct = syntheticScoringInput(options).input;
    // The synthetic status history holds only id, author and creation time (§2.3); the TSV's
    // summaries (the notes' texts) are the writer's placeholders, read for topic assignment.
    expect({ ...data.input, noteHistory: [], noteText: [] }).toEqual({
      ...direct,
      noteHistory: [],
      noteText: [],
    });
    expect(
      data.input.noteText.map((text, n) => text === `synthetic note ${data.input.noteIds[n]}`),
    ).not.toContain(false);
    expect(data.input.tagsKnown).toBe(true);
    expect(data.input.noteHistory.map((row) => row?.noteId)).toEqual(data.input.noteIds);
    expect(data.keptRatings).toBe(data.ratingRows);

    const result = scoreNotes(data.input);
    writeScoredNotes(
      join(dir, 'scored_notes.tsv'),
      result,
      data.classification,
      data.coreShare,
      false,
    );
    writeHelpfulnessScores(join(dir, 'helpfulness_scores.tsv'), result);
    const rows = readFileSync(join(dir, 'scored_notes.tsv'), 'utf8').trim().split('\n');
    const header = rows[0].split('\t');
    expect(header).toEqual(
      expect.arrayContaining(['noteId', 'finalRatingStatus', 'coreNoteInterceptMax']),
    );
    expect(rows).toHaveLength(options.notes + 1);
    const interceptColumn = header.indexOf('coreNoteIntercept');
    const first = rows[1].split('\t');
    const note = data.input.noteIds.indexOf(first[0]);
    expect(Number(first[interceptColumn])).toBe(result.final.intercept[note]);
  });

  it("keeps only the Core scorer's raters and marks notes it does not capture", async () => {
    writeSyntheticTsv(options, dir);
    const enrollment = readFileSync(paths().enrollment ?? '', 'utf8').split('\n');
    // Move every rater but the first ten into an expansion group (§2.4).
    const moved = enrollment.map((line, i) =>
      i > 10 && line.length > 0 ? line.replace(/\t13\t/, '\t5\t') : line,
    );
    writeFileSync(paths().enrollment ?? '', moved.join('\n'));
    const data = await readCommunityNotes(paths());
    expect(data.input.ratingNote.length).toBeLessThan(data.ratingRows / 10);
    expect(Array.from(data.coreShare).some((share) => share < 0.5)).toBe(true);
  });

  it('maps helpfulness levels and the legacy columns', () => {
    expect(helpfulnessLevel('SOMEWHAT_HELPFUL', '', '')).toBe(HelpfulnessLevel.SomewhatHelpful);
    expect(helpfulnessLevel('NOT_HELPFUL', '1', '0')).toBe(HelpfulnessLevel.NotHelpful);
    expect(helpfulnessLevel('', '1', '0')).toBe(HelpfulnessLevel.Helpful);
    expect(helpfulnessLevel('', '0', '1')).toBe(HelpfulnessLevel.NotHelpful);
    expect(helpfulnessLevel('', '0', '0')).toBeUndefined();
  });
});
