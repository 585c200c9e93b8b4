import { prover } from './prover-client';

/** A Worker whose script fails to load: the browser fires `error` on it, never a message. */
class FailingWorker {
  static started = 0;
  onmessage?: (event: MessageEvent) => void;
  onerror?: (event: Partial<ErrorEvent>) => void;
  terminated = false;

  constructor() {
    FailingWorker.started += 1;
  }

  postMessage(): void {
    queueMicrotask(() => this.onerror?.({ message: '', preventDefault: () => undefined }));
  }

  terminate(): void {
    this.terminated = true;
  }
}

describe('the prover client', () => {
  beforeAll(() => {
    // Offline, as the member who lost the connection after the page loaded.
    Object.defineProperty(globalThis, 'navigator', {
      value: { onLine: false },
      configurable: true,
    });
    Object.assign(globalThis, { Worker: FailingWorker });
  });

  it('fails every waiting call (NETWORK when offline) when the worker fails, and starts a new worker on the next', async () => {
    const first = prover({ kind: 'identity' } as never);
    const second = prover({ kind: 'identity' } as never);
    await expect(first).rejects.toMatchObject({
      code: expect.stringMatching(/^(PROVER|NETWORK)$/),
    });
    await expect(second).rejects.toMatchObject({
      code: expect.stringMatching(/^(PROVER|NETWORK)$/),
    });
    await expect(prover({ kind: 'identity' } as never)).rejects.toBeDefined();
    expect(FailingWorker.started).toBe(2);
  });
});
