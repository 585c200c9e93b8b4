import { compareTsvFiles, formatComparison, keysDiffer } from '@bridgenotes/scoring';

import type { CliOptions } from './cli-options';
import { EXIT } from './exit-codes';
import { required } from './usage-error';

/**
 * Compares our TSV output with the reference scorer's on the same data, column by column (see
 * docs/verifiability.md, "Comparing with the reference scorer"). The column figures are for a
 * person to judge; keys only one file has, or one file has twice, mean the files are not two
 * runs over the same data, and exit 1.
 */
export async function compareCommand(args: string[], options: CliOptions): Promise<number> {
  const comparison = await compareTsvFiles(
    required(args[0], 'our TSV file'),
    required(args[1], "the reference's TSV file"),
    options.key ?? 'noteId',
  );
  console.log(options.json ? JSON.stringify(comparison, null, 2) : formatComparison(comparison));
  if (!keysDiffer(comparison)) return EXIT.OK;
  console.error(
    `the files do not hold the same ${comparison.key}s once each: not two outputs for the same data`,
  );
  return EXIT.FINDINGS;
}
