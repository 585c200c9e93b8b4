import { MetaRule, NoteStatus, type ScoringInput, type ScoringResult } from '@bridgenotes/scoring';

import type { Discrepancy } from './discrepancy';
import type { ResultRecord, RunRecord } from './export-format';
import { compareRunResults } from './run-recomputation';

/**
 * A note whose recomputed status differs from its published one where the low-diligence refit
 * may explain it is a warning, and named among the notes matched only within the tolerance: the
 * verdict then says the note was not checked exactly (`verifyExport`'s `unchecked`).
 */
describe('compareRunResults within a tolerance', () => {
  const run = { id: 'run', regime: 'core', statusCounts: null } as unknown as RunRecord;
  const input = { noteIds: ['near', 'far'] } as unknown as ScoringInput;
  const result = {
    finalStatus: Uint8Array.of(NoteStatus.NeedsMoreRatings, NoteStatus.NeedsMoreRatings),
    history: undefined,
    models: { decidedBy: Uint8Array.of(MetaRule.CoreModel, MetaRule.CoreModel) },
    regime: { regime: 'core' },
  } as unknown as ScoringResult;
  const published = (noteId: string): ResultRecord => ({
    cursor: noteId,
    noteId,
    status: 'CURRENTLY_RATED_HELPFUL',
    runId: run.id,
    score: null,
    history: null,
    previousHistory: null,
  });

  it('reports a difference the tolerance explains as a warning, and names the note', () => {
    const found: Discrepancy[] = [];
    const tolerated = new Set<string>();
    compareRunResults(
      run,
      input,
      result,
      new Map([
        ['near', published('near')],
        ['far', published('far')],
      ]),
      undefined,
      (code, subject, message, severity = 'error') =>
        found.push({ code, subject, message, severity }),
      {
        onlyOwnResults: true,
        communityCounts: true,
        approximate: { why: 'tolerance', explains: (index) => index === 0, tolerated },
      },
    );
    expect([...tolerated]).toEqual(['near']);
    expect(
      found
        .filter(({ code }) => code === 'STATUS_MISMATCH')
        .map(({ subject, severity }) => [subject, severity]),
    ).toEqual([
      ['note near', 'warning'],
      ['note far', 'error'],
    ]);
  });
});
