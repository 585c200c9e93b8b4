/**
 * A small `--name value` / `--flag` parser for the library's commands, so that they need no
 * dependency. Unknown options are an error, to catch typos.
 */
export function parseArguments(
  argv: readonly string[],
  known: { readonly values: readonly string[]; readonly flags?: readonly string[] },
): { values: Map<string, string>; flags: Set<string> } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    if (known.flags?.includes(name)) {
      flags.add(name);
    } else if (known.values.includes(name)) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      values.set(name, value);
    } else {
      throw new Error(`unknown option --${name}`);
    }
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
