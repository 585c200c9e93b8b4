// The prover's refusal of a proof whose join is not in the published group yet, waiting for its
// batch to be sealed (docs/threat-model.md). The page says when in its own language, by the seal
// wait it sent with the request and gets back with the code (frame/failure.ts); this English,
// for a log, promises no time.
import { ProverError } from './backup';

const MESSAGE =
  'Your membership is waiting to be sealed with other joins, which keeps when you joined private: try again later.';

/** NOT_SEALED, with the seal wait in hours (undefined: unsaid, an older API; null: no bound). */
export function notSealed(sealHours: number | null | undefined): ProverError {
  return new ProverError('NOT_SEALED', MESSAGE, { sealHours });
}
