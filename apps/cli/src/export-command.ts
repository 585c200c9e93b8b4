import { httpSource, saveExport } from '@bridgenotes/open-data';

import { isUrl, type CliOptions } from './cli-options';
import { EXIT } from './exit-codes';
import { maxRecordBytes, required, UsageError } from './usage-error';

/** Whole reads of a community before `export` says it kept changing. */
const ATTEMPTS = 3;

/**
 * `export <instance URL> --community <slug> --out <folder>`: the community's export, read as one
 * state of it (docs/verifiability.md), saved to a folder that replaces `--out` once complete.
 */
export async function exportCommand(args: string[], options: CliOptions): Promise<number> {
  const url = required(args[0], 'an instance URL');
  if (!isUrl(url)) {
    throw new UsageError('export reads from an instance URL (http or https)');
  }
  const out = required(options.out, '--out');
  const maxBytes = maxRecordBytes(options['max-record-bytes']);
  const notice = (line: string) => process.stderr.write(`\n${line}\n`);
  const source = httpSource(url, required(options.community, '--community'), {
    ...(maxBytes !== undefined && { limits: { maxRecordBytes: maxBytes } }),
    onRetry: ({ url: page, attempt, reason, delayMs }) =>
      notice(`${page}: ${reason}; asking again in ${delayMs / 1_000} s (attempt ${attempt})`),
  });
  await saveExport(
    source,
    out,
    (stream, count) => process.stderr.write(`\r${stream}: ${count.toLocaleString('en')}      `),
    {
      attempts: ATTEMPTS,
      onRestart: (reason, attempt) =>
        notice(`${reason}; reading it again (attempt ${attempt} of ${ATTEMPTS})`),
    },
  );
  process.stderr.write('\n');
  console.log(`saved to ${out}`);
  return EXIT.OK;
}
