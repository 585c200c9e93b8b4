import { readdirSync, readFileSync } from 'node:fs';

/**
 * The fields of a Linux /proc stat file after the command name (so field 3, the state, is [0]),
 * or none once the process is gone. The name is skipped by its last ')', as it may hold spaces.
 */
export function procStatFields(statFile: string): string[] {
  try {
    const stat = readFileSync(statFile, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

/** The processes whose parent is `parent`. */
export function childProcessesOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && Number(procStatFields(`/proc/${pid}/stat`)[1]) === parent)
    .map(Number);
}
