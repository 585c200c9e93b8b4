// `npm run bridgenotes -- <command>`: the command-line tool for auditors and members.
//
//   verify <export folder | instance URL> [--community <slug>] [--sample N] [--threads N] [--json]
//   export <instance URL> --community <slug> --out <folder>
//   score <export folder | instance URL> [--community <slug>] [--now <time>] [--seed N]
//   score --notes <file> --ratings <file|folder> [--status <file>] [--enrollment <file>]
//         [--epoch-millis <ms> | --settled] [--seed N] [--outdir <folder>]
//   compare <ours.tsv> <reference.tsv> [--key noteId] [--json]
//   identity create | identity import <backup>          [--identity <file>]
//   join <instance URL> --community <slug> [--invite <code> | --ticket <jwt | @file>]
//        [--replace-lost-identity]
//   ticket keygen --out <file>
//   ticket sign --key <file> --issuer <iss> --audience <community id> --subject <account> [--ttl s]
//   note <instance URL> --community <slug> --post <url> --classification <C> --reasons a,b
//        --text <text> [--sources u1,u2] [--json]
//   rate <instance URL> --community <slug> --note <id> --helpfulness <H> [--tags a,b] [--json]
//   request <instance URL> --community <slug> --post <url> [--json]
import { parseArgs } from 'node:util';

import { OPTIONS } from './cli-options';
import { UsageError } from './usage-error';

// Each command loads its own module when it runs: the audit commands' scorer and verifier and the
// member commands' prover are most of the CLI's start-up, and no command needs the others'.
const auditCommands = () => import('./audit-commands');
const memberCommands = () => import('./member-commands');

const USAGE = `usage: bridgenotes <command> [options]

  verify <export folder | instance URL> [--community <slug>] [--sample N] [--threads N] [--json]
  export <instance URL> --community <slug> --out <folder>
  score  <export folder | instance URL> [--community <slug>] [--now <ISO time | epoch ms>] [--seed N]
  score  --notes <file> --ratings <file|folder> [--status <file>] [--enrollment <file>]
         [--epoch-millis <ms> | --settled] [--seed N] [--outdir <folder>]
         (a single run at --epoch-millis, default now, as the reference runs; --settled: the
          statuses notes settle to; npm run score -- --help details the output files)
  compare <ours.tsv> <reference.tsv> [--key noteId | raterParticipantId] [--json]
  identity create | identity import <backup>   [--identity <file>]
  join   <instance URL> --community <slug> [--invite <code> | --ticket <jwt | @file>] [--replace-lost-identity]
  ticket keygen --out <file>   (an issuer's signing key; prints the public JWKS)
  ticket sign --key <file> --issuer <iss> --audience <community id> --subject <account> [--ttl <s>]
  note   <instance URL> --community <slug> --post <url> --classification <C> --reasons a,b --text <t> [--sources u1,u2] [--json]
  rate   <instance URL> --community <slug> --note <id> --helpfulness <H> [--tags a,b] [--json]
  request <instance URL> --community <slug> --post <url> [--json]   (ask for a note on a post)

  note, rate and request print one line for a person; --json prints the API's answer.`;

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
      return (await auditCommands()).verifyCommand(rest, values);
    case 'export':
      return (await auditCommands()).exportCommand(rest, values);
    case 'score':
      return (await auditCommands()).scoreCommand(rest, values);
    case 'compare':
      return (await auditCommands()).compareCommand(rest, values);
    case 'identity':
      return (await memberCommands()).identityCommand(rest, values);
    case 'join':
      return (await memberCommands()).joinCommand(rest, values);
    case 'ticket':
      return (await import('./ticket-commands')).ticketCommand(rest, values);
    case 'note':
      return (await memberCommands()).noteCommand(rest, values);
    case 'rate':
      return (await memberCommands()).rateCommand(rest, values);
    case 'request':
      return (await memberCommands()).requestCommand(rest, values);
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
