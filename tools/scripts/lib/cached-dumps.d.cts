// Types of ./cached-dumps.cjs, for the Jest global setup's TypeScript (tools/testing).

/** The dump in `file`, marked as used now, or undefined when there is none. */
export function readDump(file: string): Buffer | undefined;

/** Deletes the dumps of `prefix` in `folder` but the `keep` most recently used. */
export function pruneDumps(folder: string, prefix: string, keep: number): void;
