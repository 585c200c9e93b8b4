import { ext } from './extension-api';
import type { ProverRequest, ProverResponse } from './messages';
import { t } from './strings';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class ProverError extends Error {
  override name = 'ProverError';
}

let worker: Worker | undefined;
let calls = 0;
const pending = new Map<number, (response: ProverResponse) => void>();

/** One call to the extension's prover worker (started on first use). */
export function prover(
  request: WithoutId<ProverRequest>,
  transfer: Transferable[] = [],
): Promise<ProverResponse & { ok: true }> {
  if (!worker) {
    worker = new Worker(ext.runtime.getURL('prover.js'));
    worker.onmessage = (event: MessageEvent<ProverResponse>) => {
      pending.get(event.data.id)?.(event.data);
      pending.delete(event.data.id);
    };
    // The script failed to load or the worker died (out of memory): every call waiting on it
    // fails, so no form stays busy for ever, and the next call starts a new worker (as the
    // widget's prover client does).
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      worker?.terminate();
      worker = undefined;
      const failure = { ok: false as const, error: t('proverStopped') };
      for (const [id, settle] of pending) settle({ ...failure, id });
      pending.clear();
    };
  }
  const id = ++calls;
  return new Promise((resolve, reject) => {
    pending.set(id, (response) =>
      response.ok ? resolve(response) : reject(new ProverError(response.error)),
    );
    worker?.postMessage({ ...request, id }, transfer);
  });
}
