import type { ExportPromotion, RootRecord } from './export-format';

type Report = (code: string, subject: string, message: string) => void;

/**
 * A promoted community's lineage (docs/verifiability.md, "Leaving an operator"): the manifest's
 * `promotion` says the instance took the origin's community at a root of a size; that root must
 * be in the published history with that size, and still current at the promotion, so every
 * member admitted since was admitted here, visibly, after it. Returns the promotion (null when
 * the community was never promoted: absent, or null) for the report. Its shape was checked with
 * the manifest's (`manifestProblem`).
 */
export function checkPromotion(
  promotion: ExportPromotion | null | undefined,
  roots: readonly RootRecord[],
  report: Report,
): ExportPromotion | null {
  if (promotion == null) return null;
  const at = Date.parse(promotion.at);
  const current = roots.find(
    (root) =>
      root.root === promotion.root &&
      root.size === promotion.treeSize &&
      Date.parse(root.createdAt) <= at &&
      (root.supersededAt === null || Date.parse(root.supersededAt) > at),
  );
  if (!current) {
    report(
      'PROMOTION_INCONSISTENT',
      'community',
      `the community says it was promoted from ${promotion.from.url} at root ${promotion.root} of ${promotion.treeSize} members on ${promotion.at}, but the root history has no such root current then`,
    );
  }
  return promotion;
}
