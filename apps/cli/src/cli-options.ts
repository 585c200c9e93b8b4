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

type OptionName = keyof typeof OPTIONS;

const MEMBER_WRITE: readonly OptionName[] = ['community', 'identity', 'json'];

/**
 * The options each command reads. An option another command reads would otherwise be accepted
 * and ignored: `verify --seed 7` would exit 0, and its auditor believe the export was verified
 * under that seed.
 */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  verify: ['community', 'sample', 'threads', 'json'],
  export: ['community', 'out'],
  serve: ['port', 'host'],
  score: [
    'community',
    'now',
    'seed',
    'notes',
    'ratings',
    'status',
    'enrollment',
    'epoch-millis',
    'settled',
    'outdir',
  ],
  compare: ['key', 'json'],
  identity: ['identity'],
  join: ['community', 'invite', 'ticket', 'replace-lost-identity', 'identity'],
  ticket: ['out', 'key', 'issuer', 'audience', 'subject', 'ttl'],
  note: [...MEMBER_WRITE, 'post', 'classification', 'reasons', 'text', 'sources'],
  rate: [...MEMBER_WRITE, 'note', 'helpfulness', 'tags'],
  request: [...MEMBER_WRITE, 'post'],
};

/** Whether `command` is one of the CLI's commands. */
export const isCommand = (command: string): boolean => Object.hasOwn(COMMAND_OPTIONS, command);

/** Refuses (exit 2) an option `command` does not read, naming it. */
export function checkOptionsOf(command: string, given: CliOptions): void {
  const allowed = COMMAND_OPTIONS[command] ?? [];
  const unused = Object.keys(given).find(
    (name) => name !== 'help' && !allowed.includes(name as OptionName),
  );
  if (unused !== undefined) {
    throw new UsageError(
      `${command} does not take --${unused}\n(bridgenotes --help lists each command's options)`,
    );
  }
}

export type CliOptions = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

/** Whether a command's target is an instance URL (else a file or folder). */
export const isUrl = (target: string): boolean => /^https?:\/\//.test(target);
