/**
 * How long a test waits for a condition before it gives up. Generous on purpose: a busy machine
 * (neighbouring jobs, other suites, a benchmark) can be many times slower than a quiet one, and a
 * wait returns as soon as its condition holds, so the limit costs nothing when things work; it
 * only bounds how long a real failure takes to report. Jest's `testTimeout` (`jest.preset.js`)
 * is above it, so a failing wait reports its own error rather than a bare timeout.
 */
export const PATIENCE_MS = 5 * 60_000;

/**
 * Retries `check` every `intervalMs` until it resolves (returning its value) or `timeoutMs` has
 * passed, then throws the last error. Wait on a condition with this, never on a fixed sleep.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = PATIENCE_MS,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
