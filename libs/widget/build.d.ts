/** Gzipped sizes, in bytes, of what the build wrote. */
export interface WidgetSizes {
  loader: number;
  ui: number;
  prover: number;
}

export const BUDGETS: { loader: number; ui: number };

export function buildWidget(outdir: string): Promise<WidgetSizes>;
