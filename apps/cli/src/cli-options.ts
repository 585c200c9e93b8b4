import { parseArgs } from 'node:util';

import { UsageError } from './usage-error';

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
  'member-minutes': { type: 'boolean' },
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
  'max-record-bytes': { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

const MEMBER_WRITE: readonly OptionName[] = ['community', 'identity', 'json'];

const SCORE_EXPORT: readonly OptionName[] = ['community', 'now', 'seed', 'max-record-bytes'];
const SCORE_FILES: readonly OptionName[] = [
  'notes',
  'ratings',
  'status',
  'enrollment',
  'epoch-millis',
  'settled',
  'member-minutes',
  'seed',
  'outdir',
];
const TICKET_KEYGEN: readonly OptionName[] = ['out'];
const TICKET_SIGN: readonly OptionName[] = ['key', 'issuer', 'audience', 'subject', 'ttl'];

/** A command, or its mode, and the options it reads. */
type Reads = { what: string; options: readonly OptionName[] };

/**
 * The options each command (and each mode of one) reads. An option another command reads would
 * otherwise be accepted and ignored: `verify --seed 7` would exit 0, and its auditor believe the
 * export was verified under that seed; `score --notes … --now …` would score at this moment.
 */
const COMMAND_OPTIONS: Record<string, (args: string[], given: CliOptions) => Reads> = {
  verify: () => ({
    what: 'verify',
    options: ['community', 'sample', 'threads', 'json', 'max-record-bytes'],
  }),
  export: () => ({ what: 'export', options: ['community', 'out', 'max-record-bytes'] }),
  serve: () => ({ what: 'serve', options: ['port', 'host'] }),
  score: (_args, given) =>
    given.notes !== undefined || given.ratings !== undefined
      ? { what: 'score of --notes and --ratings files', options: SCORE_FILES }
      : { what: 'score of an export', options: SCORE_EXPORT },
  compare: () => ({ what: 'compare', options: ['key', 'json'] }),
  identity: () => ({ what: 'identity', options: ['identity'] }),
  join: () => ({
    what: 'join',
    options: ['community', 'invite', 'ticket', 'replace-lost-identity', 'identity'],
  }),
  ticket: ([action]) =>
    action === 'keygen'
      ? { what: 'ticket keygen', options: TICKET_KEYGEN }
      : action === 'sign'
        ? { what: 'ticket sign', options: TICKET_SIGN }
        : { what: 'ticket', options: [...TICKET_KEYGEN, ...TICKET_SIGN] },
  note: () => ({
    what: 'note',
    options: [...MEMBER_WRITE, 'post', 'classification', 'reasons', 'text', 'sources'],
  }),
  rate: () => ({ what: 'rate', options: [...MEMBER_WRITE, 'note', 'helpfulness', 'tags'] }),
  request: () => ({ what: 'request', options: [...MEMBER_WRITE, 'post'] }),
};

/** Whether `command` is one of the CLI's commands. */
export const isCommand = (command: string): boolean => Object.hasOwn(COMMAND_OPTIONS, command);

/** Refuses (exit 2) an option `command` (given `args`) does not read, naming it. */
export function checkOptionsOf(command: string, args: string[], given: CliOptions): void {
  const reads = COMMAND_OPTIONS[command]?.(args, given);
  if (reads === undefined) return;
  const unused = Object.keys(given).find(
    (name) => name !== 'help' && !reads.options.includes(name as OptionName),
  );
  if (unused !== undefined) {
    throw new UsageError(
      `${reads.what} does not take --${unused}\n(bridgenotes --help lists each command's options)`,
    );
  }
}

export type CliOptions = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

/** Whether a command's target is an instance URL (else a file or folder). */
export const isUrl = (target: string): boolean => /^https?:\/\//.test(target);
