import { prover } from './prover';

jest.mock('./extension-api', () => ({ ext: { runtime: { getURL: (path: string) => path } } }));

/** A Worker whose script fails to load: the browser fires `error` on it, never a message. */
class FailingWorker {
  static started = 0;
  onmessage?: (event: MessageEvent) => void;
  onerror?: (event: Partial<ErrorEvent>) => void;

  constructor() {
    FailingWorker.started += 1;
  }

  postMessage(): void {
    queueMicrotask(() => this.onerror?.({ message: '', preventDefault: () => undefined }));
  }

  terminate(): void {
    // Nothing runs in it.
  }
}

describe('the extension’s prover client', () => {
  beforeAll(() => {
    Object.assign(globalThis, { Worker: FailingWorker });
  });

  it('fails every waiting call when the worker fails, and starts a new worker on the next', async () => {
    const first = prover({ type: 'create' } as never);
    const second = prover({ type: 'create' } as never);
    await expect(first).rejects.toThrow('Your browser stopped making the proof');
    await expect(second).rejects.toThrow('Your browser stopped making the proof');
    await expect(prover({ type: 'create' } as never)).rejects.toBeDefined();
    expect(FailingWorker.started).toBe(2);
  });
});
