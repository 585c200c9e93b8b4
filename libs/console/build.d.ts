/** The console's gzipped budget, script and style together, in bytes. */
export const BUDGET: number;

/** Builds `console.js` and `console.css` (with `.gz`, `.br` copies); resolves to their gzipped size. */
export function buildConsole(outdir: string): Promise<number>;
