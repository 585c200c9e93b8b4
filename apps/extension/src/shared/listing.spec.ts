import { listingOf } from './listing';
import { instanceOrigin } from './storage';

describe('instanceOrigin', () => {
  it.each([
    ['https://notes.example.org', 'https://notes.example.org'],
    ['  https://Notes.Example.org/communities/x?y=1  ', 'https://notes.example.org'],
    ['https://notes.example.org:8443/', 'https://notes.example.org:8443'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://localhost:3000/', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('%s → %s', (input, origin) => {
    expect(instanceOrigin(input)).toBe(origin);
  });

  it.each([
    'http://notes.example.org',
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
