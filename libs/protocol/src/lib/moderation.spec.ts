import {
  checkModerationChain,
  MODERATION_GENESIS,
  moderationEntryHash,
  type ModerationLogEntry,
  type UnhashedEntry,
} from './moderation';

const COMMUNITY = '0f8fad5b-d9cb-469f-a165-70867728950e';

function chain(...parts: Omit<UnhashedEntry, 'seq' | 'previousHash'>[]): ModerationLogEntry[] {
  const entries: ModerationLogEntry[] = [];
  for (const part of parts) {
    const unhashed: UnhashedEntry = {
      ...part,
      seq: entries.length + 1,
      previousHash: entries.at(-1)?.hash ?? MODERATION_GENESIS,
    };
    entries.push({ ...unhashed, hash: moderationEntryHash(COMMUNITY, unhashed) });
  }
  return entries;
}

const hide = {
  action: 'HIDE',
  target: 'note:7c9e6679-7425-40de-944b-e07fc1f90ae7',
  reasonCode: 'SPAM',
  moderatorKeyId: 'operator',
  day: '2026-12-03',
  message: null,
} as const;
const redact = { ...hide, action: 'REDACT', reasonCode: 'PERSONAL_DATA', message: '42' } as const;

describe('the moderation log chain', () => {
  it('hashes the canonical JSON of the community and every field (a vector for other clients)', () => {
    const [first] = chain(hide);
    // SHA-256 of the sorted-key JSON {"action":"HIDE","community":"0f8f…","day":"2026-12-03",
    // "domain":"bridgenotes/moderation-log/1","message":null,…}, computed apart with node:crypto.
    expect(first?.hash).toBe('e9569d67642fbc5e68661f2174507285aaa1f41d5ea17a0f99686d3341da06a6');
    expect(
      moderationEntryHash('another', { ...hide, seq: 1, previousHash: MODERATION_GENESIS }),
    ).not.toBe(first?.hash);
  });

  it('accepts an intact log and finds where one was rewritten, reordered or cut', () => {
    const log = chain(hide, { ...hide, action: 'RESTORE', reasonCode: 'REVIEWED' }, redact);
    expect(checkModerationChain(COMMUNITY, log)).toBeUndefined();
    const rewritten = log.map((entry) =>
      entry.seq === 2 ? { ...entry, day: '2026-12-04' } : entry,
    );
    expect(checkModerationChain(COMMUNITY, rewritten)).toEqual({
      seq: 2,
      problem: 'hash does not match the entry',
    });
    expect(checkModerationChain(COMMUNITY, [log[0], log[2]] as ModerationLogEntry[])?.seq).toBe(3);
    expect(checkModerationChain(COMMUNITY, [log[1], log[0]] as ModerationLogEntry[])?.seq).toBe(2);
    expect(checkModerationChain('another', log)).toEqual({
      seq: 1,
      problem: 'hash does not match the entry',
    });
  });
});
