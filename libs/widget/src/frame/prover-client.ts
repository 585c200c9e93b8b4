// The prover worker, started on first use: it holds the identity only while it works.
import type { ProverRequest, ProverResponse } from '../shared/messages';
import { RequestError } from './api';

let worker: Worker | undefined;
let calls = 0;
const pending = new Map<number, (response: ProverResponse) => void>();

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export function prover(request: WithoutId<ProverRequest>): Promise<ProverResponse & { ok: true }> {
  if (!worker) {
    worker = new Worker('/widget/prover.js');
    worker.onmessage = (event: MessageEvent<ProverResponse>) => {
      pending.get(event.data.id)?.(event.data);
      pending.delete(event.data.id);
    };
    // The script failed to load (offline, refused) or the worker died: every call waiting on it
    // fails, so no form stays busy for ever, and the next call starts a new worker.
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      worker?.terminate();
      worker = undefined;
      const failure = {
        ok: false as const,
        code: navigator.onLine === false ? 'NETWORK' : 'PROVER',
        error: event.message || 'The prover stopped',
      };
      for (const [id, settle] of pending) settle({ ...failure, id });
      pending.clear();
    };
  }
  const id = ++calls;
  return new Promise((resolve, reject) => {
    pending.set(id, (response) =>
      response.ok
        ? resolve(response)
        : reject(new RequestError(response.code ?? 'PROVER', response.error, response.details)),
    );
    worker?.postMessage({ ...request, id });
  });
}
