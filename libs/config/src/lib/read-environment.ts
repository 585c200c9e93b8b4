import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * The variables of `.env` in the working directory, when it exists, under the real environment,
 * which wins over the file. Every entry point reads its settings through this (both apps, the
 * API's supervising process, the database tools), so a setting put in `.env` counts everywhere;
 * the plain-Node scripts have their own copy (tools/scripts/lib/workspace.mjs
 * `configuredEnvironment`): keep the two alike.
 */
export function readEnvironment(file = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}
