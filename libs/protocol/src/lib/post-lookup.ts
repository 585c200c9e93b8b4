import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

import type { PostKey } from './post-detection';

/**
 * Hex digits of a post's lookup hash a reader's client sends to find its notes (16 bits: 65,536
 * buckets). The instance learns the bucket, never the post; see docs/extension.md for what that
 * leaks. Fixed, so every reader's query for a bucket is the same URL (one CDN cache entry).
 */
export const LOOKUP_PREFIX_LENGTH = 4;
export const LOOKUP_PREFIX_PATTERN = /^[0-9a-f]{4}$/;

/**
 * The text a post's lookup hash is taken of: `url⇥<canonical URL>` or
 * `platform⇥<platform>⇥<externalId>`. A canonical URL holds no tab and a platform name none
 * either, so no two keys share a text. PostgreSQL computes the same text (LookupService).
 */
export function postLookupText(key: PostKey): string {
  return 'canonicalUrl' in key
    ? `url\t${key.canonicalUrl}`
    : `platform\t${key.platform}\t${key.externalId}`;
}

/** SHA-256 of the lookup text, lowercase hex: what a lookup bucket lists its posts by. */
export function postLookupHash(key: PostKey): string {
  return bytesToHex(sha256(utf8ToBytes(postLookupText(key))));
}

export const lookupPrefixOf = (hash: string): string => hash.slice(0, LOOKUP_PREFIX_LENGTH);
