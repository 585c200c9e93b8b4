import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';

/**
 * A secret the command line names: `@file` reads it from a file, `-` from standard input, which
 * both keep it out of the shell history and of the process list (`ps`); anything else is the
 * secret itself (`inline`).
 */
export async function secretArgument(
  argument: string,
): Promise<{ value: string; inline: boolean }> {
  if (argument === '-') return { value: (await text(process.stdin)).trim(), inline: false };
  if (argument.startsWith('@')) {
    return { value: (await readFile(argument.slice(1), 'utf8')).trim(), inline: false };
  }
  return { value: argument, inline: true };
}
