/**
 * Writes a synthetic community in Community Notes' public TSV format:
 *
 *   npx tsx libs/scoring/src/cli/generate-synthetic.ts --outdir data [--ratings 1000000]
 *     [--raters 40000] [--notes 25000] [--seed 1]
 */
import { writeSyntheticTsv } from '../tsv/synthetic-tsv-writer';
import { integerOption, parseArguments } from './arguments';

function main(): void {
  const { values } = parseArguments(process.argv.slice(2), {
    values: ['outdir', 'ratings', 'raters', 'notes', 'seed'],
  });
  const outdir = values.get('outdir');
  if (outdir === undefined) throw new Error('usage: generate-synthetic --outdir <dir> [...]');
  const ratings = integerOption(values, 'ratings', 1_000_000);
  writeSyntheticTsv(
    {
      seed: integerOption(values, 'seed', 1),
      ratings,
      raters: integerOption(values, 'raters', Math.round(ratings / 25)),
      notes: integerOption(values, 'notes', Math.round(ratings / 40)),
    },
    outdir,
  );
  console.error(`wrote a synthetic community to ${outdir}`);
}

main();
