import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/** Headers of every webhook request; the signature covers the timestamp and the exact body. */
export const WEBHOOK_HEADERS = {
  delivery: 'x-bridgenotes-delivery',
  timestamp: 'x-bridgenotes-timestamp',
  signature: 'x-bridgenotes-signature',
} as const;

/** How far a webhook's timestamp may be from the receiver's clock before it is a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** `sha256=` and the hex HMAC-SHA256, under the community's secret, of `<timestamp>.<body>`. */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const mac = hmac(sha256, utf8ToBytes(secret), utf8ToBytes(`${timestampSeconds}.${body}`));
  return `sha256=${bytesToHex(mac)}`;
}

/**
 * What a receiver checks: the signature over the raw body as received, and a recent timestamp.
 * Compares in constant time so the check does not leak how much of a forged signature matched.
 */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1_000),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || !headers.signature) return false;
  if (Math.abs(nowSeconds - timestamp) > WEBHOOK_TOLERANCE_SECONDS) return false;
  const expected = signWebhook(secret, timestamp, body);
  if (expected.length !== headers.signature.length) return false;
  let difference = 0;
  for (let index = 0; index < expected.length; index += 1)
    difference |= expected.charCodeAt(index) ^ headers.signature.charCodeAt(index);
  return difference === 0;
}
