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
