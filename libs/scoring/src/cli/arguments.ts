import { parseArgs } from 'node:util';

/**
 * `--name value` options and `--flag`s for the library's commands, parsed by Node's own
 * `util.parseArgs` (no dependency). Unknown options and stray arguments are an error, to catch
 * typos; `--help` prints `usage`, when the command gives one, and exits.
 */
export function parseArguments(
  argv: readonly string[],
  known: {
    readonly values: readonly string[];
    readonly flags?: readonly string[];
    readonly usage?: string;
  },
): { values: Map<string, string>; flags: Set<string> } {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of known.values) options[name] = { type: 'string' };
  for (const name of known.flags ?? []) options[name] = { type: 'boolean' };
  if (known.usage !== undefined) options['help'] = { type: 'boolean' };
  const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  if (known.usage !== undefined && parsed.values['help'] === true) {
    console.log(known.usage);
    process.exit(0);
  }
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') values.set(name, value);
    else if (value === true) flags.add(name);
  }
  return { values, flags };
}

/** A positive integer option, accepting `1_000_000`, `1e6` and `1000000`. */
export function integerOption(values: Map<string, string>, name: string, fallback: number): number {
  const raw = values.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be an integer`);
  return value;
}
