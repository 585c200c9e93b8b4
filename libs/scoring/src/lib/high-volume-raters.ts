import {
  HIGH_VOLUME_PERCENTILE,
  HIGH_VOLUME_WINDOWS_MS,
  MIN_NOTES_FOR_PRODUCTION_DATA,
} from './constants';
import { quantileInPlace } from './percentile';
import type { ScoringInput } from './scoring-input';

/**
 * §3 step 4: a rater is high-volume when their number of ratings in the last 7 days, or in the
 * last 28 days (relative to the newest rating), is above the 99.9th percentile of the raters
 * active in that window. Only tagged when the ratings cover ≥ 200 distinct notes. Returns 1 per
 * high-volume participant.
 */
export function highVolumeRaters(input: ScoringInput): Uint8Array {
  const participants = input.participantIds.length;
  const flagged = new Uint8Array(participants);
  const { ratingNote, ratingRater, ratingCreatedAtMs } = input;
  let distinctNotes = 0;
  for (let i = 0; i < ratingNote.length; i++) {
    if (i === 0 || ratingNote[i] !== ratingNote[i - 1]) distinctNotes++;
  }
  if (distinctNotes < MIN_NOTES_FOR_PRODUCTION_DATA) return flagged;
  let newest = -Infinity;
  for (const t of ratingCreatedAtMs) if (t > newest) newest = t;

  const counts = new Int32Array(participants);
  for (const window of HIGH_VOLUME_WINDOWS_MS) {
    counts.fill(0);
    const since = newest - window;
    for (let i = 0; i < ratingRater.length; i++) {
      if (ratingCreatedAtMs[i] > since) counts[ratingRater[i]]++;
    }
    let active = 0;
    for (const c of counts) if (c > 0) active++;
    const activeCounts = new Float64Array(active);
    let k = 0;
    for (const c of counts) if (c > 0) activeCounts[k++] = c;
    const threshold = quantileInPlace(activeCounts, HIGH_VOLUME_PERCENTILE);
    for (let u = 0; u < participants; u++) if (counts[u] > threshold) flagged[u] = 1;
  }
  return flagged;
}
