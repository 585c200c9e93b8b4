import { unshownWrite } from '@bridgenotes/widget';

import { InstanceError, type Note, rate, writeNote } from '../shared/instance';
import type { ProvenForApi } from '../shared/messages';
import { prover } from '../shared/prover';
import type { Follow } from '../shared/storage';
import { type MemberContext, publishNote, rateNote } from './member-actions';

jest.mock('@bridgenotes/widget', () => ({
  ...jest.requireActual('@bridgenotes/widget'),
  unshownWrite: jest.fn(),
}));
/** The instance's clock, moved by the spec. */
let now = Date.UTC(2026, 11, 7, 12, 0, 30);
jest.mock('../shared/instance', () => ({
  ...jest.requireActual('../shared/instance'),
  groupLeaves: jest.fn(async () => ({ root: '1', size: 1, depth: 20, leaves: ['42'] })),
  circuitFiles: jest.fn(async () => ({ wasm: new ArrayBuffer(1), zkey: new ArrayBuffer(1) })),
  instanceClock: () => ({ now: () => now }),
  writeNote: jest.fn(),
  rate: jest.fn(),
}));
jest.mock('../shared/prover', () => ({ prover: jest.fn() }));

const follow: Follow = {
  instance: 'https://notes.example.org',
  slug: 'forum',
  id: 'community-1',
  name: 'Forum',
  scope: '7',
  admission: 'CREDENTIAL',
};
const proverMock = jest.mocked(prover);
const writeMock = jest.mocked(writeNote);
const rateMock = jest.mocked(rate);
const shownMock = jest.mocked(unshownWrite);

const context: MemberContext = {
  follow,
  backup: 'backup',
  post: { url: 'https://news.example.org/a' },
  say: jest.fn(),
  guarded: async (action) => action(),
};
const minute = () => Math.floor(now / 60_000);

beforeEach(() => {
  jest.clearAllMocks();
  // The member saw the button they used.
  shownMock.mockResolvedValue(null);
  // Each proof says the minute it was made for: a proof made anew would not be the same body.
  let proofs = 0;
  proverMock.mockImplementation(async (message) => {
    if (message.type === 'commitment') return { id: 0, ok: true, commitment: '42' };
    const { clientMinute } = message as { clientMinute: number };
    const proven = { proof: `proof ${++proofs}`, clientMinute } as unknown as ProvenForApi;
    return { id: 0, ok: true, proven };
  });
});

describe('publishNote', () => {
  it('sends again the proof kept from a Publish whose answer was lost, never a second note', async () => {
    const payload = {
      post: context.post,
      classification: 'NOT_MISLEADING',
      reasons: ['FACTUALLY_CORRECT'],
      text: 'The photo is from 2019.',
      sources: ['https://example.org/s'],
    };
    writeMock
      .mockRejectedValueOnce(new InstanceError(0, 'NETWORK', 'Failed to fetch'))
      .mockResolvedValueOnce({ id: 'n1' } as Note);

    await expect(publishNote(context, payload)).rejects.toMatchObject({ code: 'NETWORK' });
    now += 60_000;
    await expect(publishNote(context, payload)).resolves.toEqual({ id: 'n1' });

    expect(proverMock.mock.calls.filter(([message]) => message.type === 'prove')).toHaveLength(1);
    expect(writeMock).toHaveBeenCalledTimes(2);
    const [[, first], [, second]] = writeMock.mock.calls as [unknown, unknown][];
    expect(second).toEqual(first);
    // Each Publish was the member's: each asked whether they saw it.
    expect(shownMock).toHaveBeenCalledTimes(2);
  });
});

describe('rateNote', () => {
  it('asks whether the panel was seen once per submit, not for the proof made anew', async () => {
    rateMock
      .mockRejectedValueOnce(
        new InstanceError(409, 'RATING_OUTDATED', 'outdated', { storedClientMinute: minute() }),
      )
      .mockResolvedValueOnce({ clientMinute: minute() + 1 } as never);
    // What the member touched last is no longer the form's button once the first send is out.
    shownMock.mockResolvedValueOnce(null).mockResolvedValue('PANEL_HIDDEN');

    await expect(
      rateNote(context, 'n1', { helpfulness: 'SOMEWHAT_HELPFUL', tags: [] }, undefined),
    ).resolves.toEqual({ clientMinute: minute() + 1 });

    expect(shownMock).toHaveBeenCalledTimes(1);
    expect(rateMock).toHaveBeenCalledTimes(2);
  });
});
