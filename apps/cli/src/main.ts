// `npm run bridgenotes -- <command>`: the command-line tool for auditors and members.
//
//   verify <export folder | instance URL> [--community <slug>] [--sample N] [--threads N] [--json]
//   export <instance URL> --community <slug> --out <folder>
//   score <export folder | instance URL> [--community <slug>] [--now <time>] [--seed N]
//   score --notes <file> --ratings <file|folder> [--status <file>] [--enrollment <file>]
//         [--epoch-millis <ms>] [--seed N] [--outdir <folder>]
//   compare <ours.tsv> <reference.tsv> [--key noteId] [--json]
//   identity create | identity import <backup>          [--identity <file>]
//   join <instance URL> --community <slug> [--invite <code> | --ticket <jwt | @file>]
//        [--replace-lost-identity]
//   ticket keygen --out <file>
//   ticket sign --key <file> --issuer <iss> --audience <community id> --subject <account> [--ttl s]
//   note <instance URL> --community <slug> --post <url> --classification <C> --reasons a,b
//        --text <text> [--sources u1,u2]
//   rate <instance URL> --community <slug> --note <id> --helpfulness <H> [--tags a,b]
//   request <instance URL> --community <slug> --post <url>
import { parseArgs } from 'node:util';

import {
  identityCommand,
  joinCommand,
  noteCommand,
  rateCommand,
  requestCommand,
} from './member-commands';
import { compareCommand, exportCommand, scoreCommand, verifyCommand } from './audit-commands';
import { ticketCommand } from './ticket-commands';
import { UsageError } from './usage-error';

const USAGE = `usage: bridgenotes <command> [options]

  verify <export folder | instance URL> [--community <slug>] [--sample N] [--threads N] [--json]
  export <instance URL> --community <slug> --out <folder>
  score  <export folder | instance URL> [--community <slug>] [--now <ISO time | epoch ms>] [--seed N]
  score  --notes <file> --ratings <file|folder> [--status <file>] [--enrollment <file>]
         [--epoch-millis <ms>] [--seed N] [--outdir <folder>]
  compare <ours.tsv> <reference.tsv> [--key noteId | raterParticipantId] [--json]
  identity create | identity import <backup>   [--identity <file>]
  join   <instance URL> --community <slug> [--invite <code> | --ticket <jwt | @file>] [--replace-lost-identity]
  ticket keygen --out <file>   (an issuer's signing key; prints the public JWKS)
  ticket sign --key <file> --issuer <iss> --audience <community id> --subject <account> [--ttl <s>]
  note   <instance URL> --community <slug> --post <url> --classification <C> --reasons a,b --text <t> [--sources u1,u2]
  rate   <instance URL> --community <slug> --note <id> --helpfulness <H> [--tags a,b]
  request <instance URL> --community <slug> --post <url>   (ask for a note on a post)`;

const OPTIONS = {
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
  help: { type: 'boolean', short: 'h' },
} as const;

export type CliOptions = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: OPTIONS,
    allowPositionals: true,
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'verify':
      return verifyCommand(rest, values);
    case 'export':
      return exportCommand(rest, values);
    case 'score':
      return scoreCommand(rest, values);
    case 'compare':
      return compareCommand(rest, values);
    case 'identity':
      return identityCommand(rest, values);
    case 'join':
      return joinCommand(rest, values);
    case 'ticket':
      return ticketCommand(rest, values);
    case 'note':
      return noteCommand(rest, values);
    case 'rate':
      return rateCommand(rest, values);
    case 'request':
      return requestCommand(rest, values);
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
