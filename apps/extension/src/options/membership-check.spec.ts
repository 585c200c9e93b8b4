import type { PublishedGroup } from '@bridgenotes/client';

import { groupLeaves, inGroup } from '../shared/instance';
import type { Follow } from '../shared/storage';
import { recognisedIn } from './membership-check';

jest.mock('../shared/instance', () => ({
  ...jest.requireActual('../shared/instance'),
  groupLeaves: jest.fn(),
}));

const commitment = '17203489156028453162347843568345691234567890';
const other = '9988776655443322110099887766554433221100';
const group = (leaves: string[]): PublishedGroup => ({
  root: '1234',
  size: leaves.length,
  depth: 20,
  leaves,
});
const followOf = (slug: string): Follow => ({
  instance: 'https://notes.example.org',
  slug,
  id: `id-${slug}`,
  name: slug,
  scope: '42',
  admission: 'CREDENTIAL',
});
const leavesMock = jest.mocked(groupLeaves);

beforeEach(() => jest.resetAllMocks());

describe('inGroup', () => {
  it('finds the commitment among the leaves, wherever it is', () => {
    expect(inGroup(group([other, commitment]), commitment)).toBe(true);
    expect(inGroup(group([commitment]), commitment)).toBe(true);
  });

  it('does not find it in a group without it, or an empty one', () => {
    expect(inGroup(group([other]), commitment)).toBe(false);
    expect(inGroup(group([]), commitment)).toBe(false);
  });

  it("never counts a removed member's zeroed leaf", () => {
    expect(inGroup(group(['0', other]), '0')).toBe(false);
    expect(inGroup(group(['0']), commitment)).toBe(false);
  });

  it('matches whole leaves only, not a leaf that starts or ends like the commitment', () => {
    expect(inGroup(group([`${commitment}1`, `1${commitment}`]), commitment)).toBe(false);
  });
});

describe('recognisedIn', () => {
  it('keeps the communities whose published group holds the commitment, fetching each group whole', async () => {
    const joined = followOf('forum');
    const notYet = followOf('city-news');
    leavesMock.mockImplementation(async (follow) =>
      group(follow.slug === 'forum' ? ['0', commitment] : [other]),
    );
    await expect(recognisedIn([notYet, joined], commitment)).resolves.toEqual({
      recognised: [joined],
      unchecked: [],
    });
    // Only the follow is passed: nothing about the commitment reaches the instance.
    expect(leavesMock.mock.calls).toEqual([[notYet], [joined]]);
  });

  it('asks nothing for no community', async () => {
    await expect(recognisedIn([], commitment)).resolves.toEqual({ recognised: [], unchecked: [] });
    expect(leavesMock).not.toHaveBeenCalled();
  });

  it("names a community whose group cannot be fetched, with the instance's error, and still recognises the others", async () => {
    const joined = followOf('forum');
    const deleted = followOf('gone');
    const down = followOf('city-news');
    const notFound = new Error('group: HTTP 404');
    const unavailable = new Error('group: HTTP 503');
    leavesMock.mockImplementation(async (follow) => {
      if (follow.slug === 'gone') throw notFound;
      if (follow.slug === 'city-news') throw unavailable;
      return group([commitment]);
    });
    await expect(recognisedIn([deleted, joined, down], commitment)).resolves.toEqual({
      recognised: [joined],
      unchecked: [
        { follow: deleted, error: notFound },
        { follow: down, error: unavailable },
      ],
    });
  });
});
