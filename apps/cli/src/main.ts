// `npm run bridgenotes -- <command>`: the command-line tool for auditors and members; USAGE below
// lists its commands, options and exit codes.
import { parseArgs } from 'node:util';

import { checkOptionsOf, isCommand, isUrl, OPTIONS } from './cli-options';
import { EXIT, failureOf } from './exit-codes';
import { useProxyFromEnvironment } from './network-proxy';

// Each command loads its own module when it runs: the audit commands' scorer and verifier and the
// member commands' prover are most of the CLI's start-up, and no command needs the others'.
const auditCommands = () => import('./audit-commands');
const memberCommands = () => import('./member-commands');

const USAGE = `usage: bridgenotes <command> [options]

  verify <export folder | instance URL> [--community <slug>] [--sample N] [--threads N] [--json]
         [--max-record-bytes N (from an instance; default 402653184, 384 MiB)]
  export <instance URL> --community <slug> --out <folder> [--max-record-bytes N]
         (replaces the folder once the new export is complete; a folder that is not an export
          is not replaced)
  serve  <export folder> [--port N (default 8787; 0: any free)] [--host 127.0.0.1]
         (serves a saved export read-only, as its instance served it, for a mirror to follow)
  score  <export folder | instance URL> [--community <slug>] [--now <ISO time | epoch ms>] [--seed N]
         [--max-record-bytes N]
  score  --notes <file> --ratings <file|folder> [--status <file>] [--enrollment <file>]
         [--epoch-millis <ms> | --settled] [--member-minutes] [--seed N] [--outdir <folder>]
         (a single run at --epoch-millis, default now, as the reference runs; --settled: the
          statuses notes settle to; --member-minutes: the files are a Bridgenotes export's,
          whose times are members' minutes; npm run score -- --help details the output files)
  compare <ours.tsv> <reference.tsv> [--key noteId | raterParticipantId] [--json]
  identity create | identity import <@file | - | backup>   [--identity <file>]
         (@file reads the backup from a file, - from standard input: given as is, it stays in
          the shell history and shows in the process list)
  join   <instance URL> --community <slug> [--invite <@file | - | code> | --ticket <@file | - | jwt>]
         [--replace-lost-identity] [--identity <file>]
  ticket keygen --out <file>   (an issuer's signing key; prints the public JWKS)
  ticket sign --key <file> --issuer <iss> --audience <community id> --subject <account> [--ttl <s>]
  note   <instance URL> --community <slug> --post <url> --classification <C> --reasons a,b --text <t>
         [--sources u1,u2] [--identity <file>] [--json]
  rate   <instance URL> --community <slug> --note <id> --helpfulness <H> [--tags a,b]
         [--identity <file>] [--json]
  request <instance URL> --community <slug> --post <url> [--identity <file>] [--json]
         (ask for a note on a post)

  --identity: the member's identity file (default ~/.bridgenotes/identity).
  --classification MISINFORMED_OR_POTENTIALLY_MISLEADING or NOT_MISLEADING, with --reasons of
  its side; --helpfulness HELPFUL, SOMEWHAT_HELPFUL or NOT_HELPFUL, with --tags of its side;
  --text of at most 280 characters (a link counts as one). What the instance would refuse (a
  bad value, a reason or tag of the other side, a text too long, a source that is not an
  http(s) link, a misleading note without one) is said before proving, exit 2.
  note, rate and request print one line for a person; --json prints the API's answer.

exit codes:
  0  done: VERIFIED, saved, compared, written
  1  the answer is no: DISCREPANCIES; compare: keys only in one file or repeated; a write or
     join refused by the instance
  2  the command line is wrong (unknown command or option, missing or bad value; note, rate,
     request: content the instance would refuse, said before proving)
  3  could not read: the instance unreachable, silent or refusing, failing (5xx: "no answer
     from the instance", or "the instance failed (503 CODE)" when the API says why; try again
     later) or answering something else than its API (note, rate, request: after sending the
     write again), the community changing while being read, a file or folder missing,
     incomplete or unreadable
  4  anything else (a failure this version did not expect)
  5  verify: INCOMPLETE, nothing failed but not everything could be checked (--sample N leaves
     the Groth16 equations of the proofs outside the sample unchecked)`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: OPTIONS,
    allowPositionals: true,
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return command === undefined && !values.help ? EXIT.USAGE : EXIT.OK;
  }
  if (isCommand(command)) checkOptionsOf(command, rest, values);
  const target = rest[0] ?? '';
  if (reachesInstance(command, target)) await useProxyFromEnvironment(target);
  switch (command) {
    case 'verify':
      return (await auditCommands()).verifyCommand(rest, values);
    case 'export':
      return (await import('./export-command')).exportCommand(rest, values);
    case 'serve':
      return (await import('./serve-command')).serveCommand(rest, values);
    case 'score':
      return (await auditCommands()).scoreCommand(rest, values);
    case 'compare':
      return (await import('./compare-command')).compareCommand(rest, values);
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
      return EXIT.USAGE;
  }
}

/** Whether `command` sends requests (to an instance, or a URL given as its target). */
const reachesInstance = (command: string, target: string): boolean =>
  ['export', 'join', 'note', 'rate', 'request'].includes(command) ||
  (['verify', 'score'].includes(command) && isUrl(target));

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const failure = failureOf(error);
    console.error(failure.message);
    process.exitCode = failure.code;
  },
);
