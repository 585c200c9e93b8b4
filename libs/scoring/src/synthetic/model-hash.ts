import { createHash } from 'node:crypto';

import type { LowDiligenceModel } from '../lib/low-diligence';

/**
 * The sha256 of a low-diligence model's values (and of `extra` arrays after them), bit for bit:
 * how `bench:low-diligence` and the fit's spec show that a speed-up leaves the model unchanged.
 */
export function lowDiligenceModelSha256(
  model: LowDiligenceModel,
  ...extra: readonly Float64Array[]
): string {
  const hash = createHash('sha256');
  for (const values of [
    model.raterInterceptSecondRound,
    model.raterIntercept,
    model.raterFactor,
    model.raterReputation,
    model.noteInterceptSecondRound,
    model.noteFactor,
    new Float64Array([model.globalInterceptSecondRound, model.globalIntercept]),
    ...extra,
  ]) {
    hash.update(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}
