// A rating sent again within one submit, with a later minute after the API's RATING_OUTDATED:
// the member was asked whether they saw the form once, for the submit, not for each proof.
import { minuteOf } from '@bridgenotes/protocol';

import { api, instanceClock, RequestError } from '../api';
import type { FrameContext } from '../context';
import { MemberStore } from '../member-store';
import { confirmShown } from '../visibility-guard';
import { rateNote } from './rating-form';

jest.mock('../api', () => ({ ...jest.requireActual<object>('../api'), api: jest.fn() }));
jest.mock('../prover-client', () => ({
  prover: jest.fn(async (request: { clientMinute: number }) => ({
    proven: { proof: 'proof', clientMinute: request.clientMinute },
  })),
}));
// Shown to the member: the guard needs a browser (apps/api-e2e's widget-click-guard spec).
jest.mock('../visibility-guard', () => ({ confirmShown: jest.fn() }));

const apiMock = jest.mocked(api);
const shownMock = jest.mocked(confirmShown);

function member(): FrameContext {
  const store = new MemberStore('town');
  store.keepIdentity('backup-a', '111');
  store.joined('111');
  const community = { id: 'c1', slug: 'town', scope: '7', name: 'Town', admission: 'OPEN' };
  return { slug: 'town', store, community } as unknown as FrameContext;
}

describe('rateNote', () => {
  it('asks whether the form was seen once per submit, not for the proof made anew', async () => {
    const stored = minuteOf(instanceClock.now());
    apiMock
      .mockRejectedValueOnce(
        new RequestError('RATING_OUTDATED', 'outdated', { storedClientMinute: stored }, 409),
      )
      .mockResolvedValueOnce({ clientMinute: stored + 1 });
    // The member's last click is no longer on the form once the first send is out (the page's
    // body, another button): asked then, the guard would refuse it as hidden.
    shownMock
      .mockResolvedValueOnce(undefined)
      .mockRejectedValue(new RequestError('PANEL_HIDDEN', 'not seen'));
    const progress = jest.fn();

    await expect(
      rateNote(member(), 'n1', { helpfulness: 'SOMEWHAT_HELPFUL', tags: [] }, undefined, progress),
    ).resolves.toEqual({ clientMinute: stored + 1 });

    expect(shownMock).toHaveBeenCalledTimes(1);
    expect(apiMock).toHaveBeenCalledTimes(2);
    expect(apiMock.mock.calls[1]?.[1]).toMatchObject({
      method: 'PUT',
      body: { clientMinute: stored + 1 },
    });
  });

  it('sends nothing when the member did not see the form', async () => {
    apiMock.mockReset();
    shownMock.mockReset().mockRejectedValue(new RequestError('NOT_CONFIRMED', 'not confirmed'));
    await expect(
      rateNote(member(), 'n1', { helpfulness: 'HELPFUL', tags: ['CLEAR'] }, undefined, jest.fn()),
    ).rejects.toMatchObject({ code: 'NOT_CONFIRMED' });
    expect(apiMock).not.toHaveBeenCalled();
  });
});
