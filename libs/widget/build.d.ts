/** Gzipped sizes, in bytes, of what the build wrote. */
export interface WidgetSizes {
  loader: number;
  ui: number;
  prover: number;
}

export const BUDGETS: { loader: number; ui: number };

export function buildWidget(outdir: string): Promise<WidgetSizes>;

/** The bundle files the build writes, each with `.gz` and `.br` copies beside it. */
export const BUNDLE_FILES: readonly string[];

export function precompress(file: string, brotliQuality?: number, output?: string): void;
