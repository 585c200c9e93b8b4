// The prover's refusal of a proof whose join is not in the published group yet, waiting for its
// batch to be sealed (docs/threat-model.md). Worded by the instance's seal wait, which the page
// sends with the request, so that this English promises no time the instance does not keep; the
// wait goes back with the code, for the page to say it in its own language (frame/failure.ts).
import { type SealWaitKey, sealWaitKey } from '../shared/seal-wait-key';
import { ProverError } from './backup';

const WAITING =
  'Your membership is waiting to be sealed with other joins, which keeps when you joined private.';

const MESSAGES: Record<SealWaitKey<'notSealed'>, string> = {
  notSealed: `${WAITING} In a quiet community this can take a few hours: try again later.`,
  notSealedNoTimeBound: `${WAITING} It is sealed once enough members have joined, with no set time: try again later.`,
  notSealedWithinHour: `${WAITING} Within minutes in a busy community, at the latest about an hour after joining: try again later.`,
  notSealedWithinHours: `${WAITING} Within minutes in a busy community, at the latest about {hours} hours after joining: try again later.`,
};

/** NOT_SEALED, by the seal wait in hours (undefined: unsaid, an older API; null: no time bound). */
export function notSealed(sealHours: number | null | undefined): ProverError {
  const message = MESSAGES[sealWaitKey('notSealed', sealHours)].replace(
    '{hours}',
    String(sealHours),
  );
  return new ProverError('NOT_SEALED', message, { sealHours });
}
