import type { CommunityInfo } from '@bridgenotes/client';

import { getCommunity } from './instance';
import { followCommunity, listingOf } from './listing';
import { instanceOrigin, type Stored, update } from './storage';

jest.mock('./instance', () => ({ ...jest.requireActual('./instance'), getCommunity: jest.fn() }));
jest.mock('./storage', () => ({ ...jest.requireActual('./storage'), update: jest.fn() }));

describe('instanceOrigin', () => {
  it.each([
    ['https://notes.example.org', 'https://notes.example.org'],
    ['  https://Notes.Example.org/communities/x?y=1  ', 'https://notes.example.org'],
    ['https://notes.example.org:8443/', 'https://notes.example.org:8443'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://localhost:3000/', 'http://localhost:3000'],
  ])('%s → %s', (input, origin) => {
    expect(instanceOrigin(input)).toBe(origin);
  });

  it.each([
    'http://notes.example.org',
    'http://[::1]:3000',
    'ftp://notes.example.org',
    'https://user:secret@notes.example.org',
    'notes.example.org',
    '',
  ])('refuses %s (plain http only on this machine)', (input) => {
    expect(instanceOrigin(input)).toBeNull();
  });
});

describe('listingOf', () => {
  it('reads the instance and the community a listing tag names', () => {
    expect(listingOf('https://notes.example.org/communities/city-news')).toEqual({
      instance: 'https://notes.example.org',
      slug: 'city-news',
    });
    expect(listingOf('http://127.0.0.1:3000/communities/demo/')).toEqual({
      instance: 'http://127.0.0.1:3000',
      slug: 'demo',
    });
  });

  it.each([
    'https://notes.example.org/',
    'https://notes.example.org/communities/',
    'https://notes.example.org/communities/City_News',
    'https://notes.example.org/communities/city-news/notes',
    'http://notes.example.org/communities/city-news',
    'javascript:alert(1)',
  ])('names nothing for %s', (href) => {
    expect(listingOf(href)).toBeNull();
  });
});

describe('followCommunity', () => {
  const answer = (sealing: unknown) =>
    ({
      slug: 'city-news',
      id: 'id-1',
      name: 'City news',
      scope: '42',
      admission: 'OPEN',
      ...(sealing === undefined ? {} : { sealing }),
    }) as CommunityInfo;
  /** What following keeps, the community answering `sealing`. */
  async function followed(sealing: unknown) {
    jest.mocked(getCommunity).mockResolvedValue(answer(sealing));
    let follows: Stored['follows'] = [];
    jest.mocked(update).mockImplementation(async (change) => {
      follows = change({ follows } as Stored).follows ?? follows;
    });
    await followCommunity('https://notes.example.org', 'city-news');
    return follows[0]?.sealing;
  }

  it('keeps the instance’s seal wait with the follow, for a pending join to be waited for by it', async () => {
    expect(await followed({ maxWaitSeconds: 43200 })).toEqual({ maxWaitSeconds: 43200 });
    expect(await followed({ maxWaitSeconds: null })).toEqual({ maxWaitSeconds: null });
    // Said as nothing (an older API), or as no wait: kept as said, never asked again.
    expect(await followed(undefined)).toBeNull();
    expect(await followed({ maxWaitSeconds: '43200', more: 'x'.repeat(100) })).toBeNull();
  });
});
