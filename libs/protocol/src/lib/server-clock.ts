// The instance's clock as a member's client learns it from the instance's own answers. A proven
// write's minute read from the device's clock would carry the device's error (up to the
// CLOCK_SKEW_MINUTES the proof check accepts) into every write: public data bounds each write's
// real time (its proof's root, the run that read it), so a device a few minutes off would be
// recognisable behind its pseudonyms in every community (docs/threat-model.md, "Device clocks").

interface Headers {
  get(name: string): string | null;
}

/**
 * How far a later reading may fall below the kept one before the device's clock is taken to have
 * been put forward: more than a slow trip's few seconds, so that a step of the device's clock
 * (NTP, a member setting it) by more than this is followed, and a lesser one moves a minute's
 * boundary by at most this.
 */
const DEVICE_CLOCK_CHANGE_MS = 5_000;

/**
 * The offset between the instance's clock and the device's, from the `Date` of the instance's
 * answers, and the instance's time now by it. Every error of a reading makes the instance look
 * behind (the header's whole seconds, the trip back, a cache's copy), so the latest one kept is
 * the best: only a reading more than 5 s below it (the device's clock was put forward) replaces
 * it.
 */
export class ServerClock {
  private offsetMs: number | undefined;

  /** Learns from an answer's headers, received at `receivedAtMs` by the device's clock. */
  observe(headers: Headers, receivedAtMs: number = Date.now()): void {
    if (!freshAnswer(headers)) return;
    const served = Date.parse(headers.get('date') ?? '');
    if (!Number.isFinite(served)) return;
    // The header drops the milliseconds: half a second on average.
    const offset = served + 500 - receivedAtMs;
    if (
      this.offsetMs === undefined ||
      offset > this.offsetMs ||
      offset < this.offsetMs - DEVICE_CLOCK_CHANGE_MS
    ) {
      this.offsetMs = offset;
    }
  }

  /** The instance's time now, in milliseconds: the device's until an answer said otherwise. */
  now(deviceMs: number = Date.now()): number {
    return deviceMs + (this.offsetMs ?? 0);
  }
}

/**
 * Whether the answer came from the instance now, not from a cache: a shared cache says its
 * copy's `Age`, and a browser reuses without asking only what `Cache-Control` lets it keep (or,
 * without one, what has a `Last-Modified` to guess a lifetime from).
 */
function freshAnswer(headers: Headers): boolean {
  if (Number(headers.get('age') ?? 0) > 0) return false;
  const control = headers.get('cache-control');
  if (control === null) return headers.get('last-modified') === null;
  return /\b(no-store|no-cache|max-age=0)\b/i.test(control);
}
