import { parseArgs } from 'node:util';

/**
 * Every option of every command, parsed once by `main.ts` and read by the commands. Here, not in
 * `main.ts`, so the commands do not import the entry point that imports them.
 */
export const OPTIONS = {
  community: { type: 'string' },
  sample: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  notes: { type: 'string' },
  ratings: { type: 'string' },
  status: { type: 'string' },
  enrollment: { type: 'string' },
  'epoch-millis': { type: 'string' },
  settled: { type: 'boolean' },
  now: { type: 'string' },
  seed: { type: 'string' },
  key: { type: 'string' },
  outdir: { type: 'string' },
  identity: { type: 'string' },
  invite: { type: 'string' },
  ticket: { type: 'string' },
  'replace-lost-identity': { type: 'boolean' },
  issuer: { type: 'string' },
  audience: { type: 'string' },
  subject: { type: 'string' },
  ttl: { type: 'string' },
  post: { type: 'string' },
  classification: { type: 'string' },
  reasons: { type: 'string' },
  text: { type: 'string' },
  sources: { type: 'string' },
  note: { type: 'string' },
  helpfulness: { type: 'string' },
  tags: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type CliOptions = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

/** Whether a command's target is an instance URL (else a file or folder). */
export const isUrl = (target: string): boolean => /^https?:\/\//.test(target);
