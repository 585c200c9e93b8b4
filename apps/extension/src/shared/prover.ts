import { ext } from './extension-api';
import type { ProverRequest, ProverResponse } from './messages';

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
  }
  const id = ++calls;
  return new Promise((resolve, reject) => {
    pending.set(id, (response) =>
      response.ok ? resolve(response) : reject(new ProverError(response.error)),
    );
    worker?.postMessage({ ...request, id }, transfer);
  });
}
