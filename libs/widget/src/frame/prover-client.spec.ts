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

/** A call's failure code, or `answered`: settles either way, so no failure goes unhandled. */
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => 'answered',
    (error: { code?: string }) => error.code,
  );

describe('the prover client', () => {
  /** What the browser says of its connection (`navigator.onLine`). */
  let onLine = false;

  beforeAll(() => {
    Object.defineProperty(globalThis, 'navigator', {
      get: () => ({ onLine }),
      configurable: true,
    });
    Object.assign(globalThis, { Worker: FailingWorker });
  });

  it('fails every waiting call with NETWORK when offline once the worker fails, and starts a new worker on the next', async () => {
    // Offline, as the member who lost the connection after the page loaded.
    onLine = false;
    const waiting = [prover({ kind: 'identity' } as never), prover({ kind: 'identity' } as never)];
    expect(await Promise.all(waiting.map(outcome))).toEqual(['NETWORK', 'NETWORK']);
    expect(await outcome(prover({ kind: 'identity' } as never))).toBe('NETWORK');
    expect(FailingWorker.started).toBe(2);
  });

  it('fails the call with PROVER when the worker fails while online', async () => {
    onLine = true;
    const before = FailingWorker.started;
    expect(await outcome(prover({ kind: 'identity' } as never))).toBe('PROVER');
    expect(FailingWorker.started).toBe(before + 1);
  });
});
