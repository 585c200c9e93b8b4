// A proof the prover refuses as NOT_SEALED for a sealed membership: no wait for a batch, so the
// group is looked at, and the membership shown absent when its commitment is missing.
import type { FrameContext } from './context';

let leaves: string[] = [];
const asked: unknown[] = [];
jest.mock('./api', () => ({
  ...jest.requireActual<object>('./api'),
  api: async () => ({ leaves }),
}));
jest.mock('./prover-client', () => {
  const { RequestError } = jest.requireActual<typeof import('./api')>('./api');
  return {
    prover: async (request: unknown) => {
      asked.push(request);
      throw new RequestError('NOT_SEALED', 'not in the leaves');
    },
  };
});
// Shown to the member: the guard needs a browser (apps/api-e2e's widget-click-guard spec).
jest.mock('./visibility-guard', () => ({ confirmShown: async () => undefined }));

import { prove } from './context';
import { MemberStore } from './member-store';

function sealedMember(slug: string) {
  const store = new MemberStore(slug);
  store.keepIdentity('backup-a', '111');
  store.joined('111');
  const membershipChanged = jest.fn();
  const community = { name: slug, admission: 'OPEN', sealing: { maxWaitSeconds: 6 * 3600 + 60 } };
  const context = { slug, store, community, membershipChanged };
  return context as unknown as FrameContext & { membershipChanged: jest.Mock };
}

describe('a proof refused NOT_SEALED', () => {
  it('shows a sealed membership missing from the group as absent', async () => {
    const context = sealedMember('town');
    leaves = ['222'];
    await expect(prove(context, 'rating.put', 'note:1', {})).rejects.toMatchObject({
      code: 'NOT_IN_GROUP',
    });
    expect([context.store.isMember, context.store.absentCommitment]).toEqual([false, '111']);
    expect(context.membershipChanged).toHaveBeenCalledTimes(1);
  });

  it('changes nothing for a sealed membership the group holds (the prover raced a download)', async () => {
    const context = sealedMember('village');
    leaves = ['111'];
    await expect(prove(context, 'rating.put', 'note:1', {})).rejects.toMatchObject({
      code: 'NOT_SEALED',
    });
    expect(context.store.canAct).toBe(true);
    expect(context.membershipChanged).not.toHaveBeenCalled();
  });

  it('gives the prover the instance’s seal wait in hours, which its refusal says', async () => {
    const context = sealedMember('hamlet');
    leaves = ['111'];
    asked.length = 0;
    await expect(prove(context, 'note.request', '', {})).rejects.toMatchObject({
      code: 'NOT_SEALED',
    });
    expect(asked).toEqual([expect.objectContaining({ type: 'prove', sealHours: 6 })]);
  });
});
