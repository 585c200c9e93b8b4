import { pagePostKey, platformPostOf, postRefOf } from './post-detection';
import {
  LOOKUP_PREFIX_PATTERN,
  lookupPrefixOf,
  postLookupHash,
  postLookupText,
} from './post-lookup';

/** URLs as browsers show them on each platform (copied from address bars and share menus). */
const RECORDED: [string, string, string][] = [
  // X / Twitter
  ['https://x.com/NASA/status/1861092427542737157', 'x', '1861092427542737157'],
  ['https://twitter.com/jack/status/20', 'x', '20'],
  [
    'https://mobile.twitter.com/BBCBreaking/status/1729512307049251063?s=20',
    'x',
    '1729512307049251063',
  ],
  ['https://x.com/elonmusk/status/1861092427542737157/photo/1', 'x', '1861092427542737157'],
  ['https://x.com/i/web/status/1861092427542737157', 'x', '1861092427542737157'],
  ['https://www.x.com/NASA/status/1861092427542737157?t=abc&s=19#m', 'x', '1861092427542737157'],
  // Mastodon (any server)
  [
    'https://mastodon.social/@Gargron/113456789012345678',
    'mastodon',
    'mastodon.social/113456789012345678',
  ],
  [
    'https://fosstodon.org/@someone@mastodon.social/113456789012345679',
    'mastodon',
    'fosstodon.org/113456789012345679',
  ],
  [
    'https://mastodon.social/users/Gargron/statuses/113456789012345678',
    'mastodon',
    'mastodon.social/113456789012345678',
  ],
  [
    'https://Hachyderm.IO/@nova/112233445566778899?utm_source=x',
    'mastodon',
    'hachyderm.io/112233445566778899',
  ],
  // Bluesky
  [
    'https://bsky.app/profile/jay.bsky.team/post/3laz2bz2lqs2a',
    'bluesky',
    'jay.bsky.team/3laz2bz2lqs2a',
  ],
  [
    'https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo/post/3k44deefqdk2g',
    'bluesky',
    'did:plc:oky5czdrnfjpqslsw2a5iclo/3k44deefqdk2g',
  ],
  [
    'https://bsky.app/profile/Jay.Bsky.Team/post/3laz2bz2lqs2a',
    'bluesky',
    'jay.bsky.team/3laz2bz2lqs2a',
  ],
  // YouTube
  ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'youtube', 'dQw4w9WgXcQ'],
  ['https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s&list=PL123', 'youtube', 'dQw4w9WgXcQ'],
  ['https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share', 'youtube', 'dQw4w9WgXcQ'],
  ['https://youtu.be/dQw4w9WgXcQ?si=Xyz123', 'youtube', 'dQw4w9WgXcQ'],
  ['https://www.youtube.com/shorts/aqz-KE-bpKQ', 'youtube', 'aqz-KE-bpKQ'],
  ['https://www.youtube.com/embed/dQw4w9WgXcQ', 'youtube', 'dQw4w9WgXcQ'],
  ['https://www.youtube.com/live/jfKfPfyJRdk?feature=shared', 'youtube', 'jfKfPfyJRdk'],
  // Facebook
  [
    'https://www.facebook.com/nasa/posts/pfbid02qXzA1bCdEfGhIjKlMnOpQrStUvWxYz123456',
    'facebook',
    'pfbid02qXzA1bCdEfGhIjKlMnOpQrStUvWxYz123456',
  ],
  [
    'https://www.facebook.com/permalink.php?story_fbid=10161234567890123&id=100044',
    'facebook',
    '10161234567890123',
  ],
  [
    'https://m.facebook.com/story.php?story_fbid=10161234567890123&id=100044&mibextid=Nif5oz',
    'facebook',
    '10161234567890123',
  ],
  ['https://www.facebook.com/watch/?v=1234567890123456', 'facebook', '1234567890123456'],
  ['https://www.facebook.com/nasa/videos/1234567890123456/', 'facebook', '1234567890123456'],
  ['https://www.facebook.com/reel/987654321098765', 'facebook', '987654321098765'],
  [
    'https://www.facebook.com/photo/?fbid=1122334455667788&set=a.99',
    'facebook',
    '1122334455667788',
  ],
  [
    'https://www.facebook.com/groups/123456789/posts/9876543210987654/',
    'facebook',
    '9876543210987654',
  ],
  [
    'https://www.facebook.com/groups/123456789/permalink/9876543210987654/',
    'facebook',
    '9876543210987654',
  ],
  [
    'https://www.facebook.com/nasa/photos/a.10150/10161234567890999/',
    'facebook',
    '10161234567890999',
  ],
  // Reddit
  [
    'https://www.reddit.com/r/science/comments/1h4x2zq/new_study_finds_that/',
    'reddit',
    't3_1h4x2zq',
  ],
  [
    'https://old.reddit.com/r/science/comments/1h4x2zq/new_study_finds_that/?share_id=a1',
    'reddit',
    't3_1h4x2zq',
  ],
  [
    'https://www.reddit.com/r/science/comments/1h4x2zq/new_study_finds_that/m0abc12/',
    'reddit',
    't1_m0abc12',
  ],
  ['https://redd.it/1h4x2zq', 'reddit', 't3_1h4x2zq'],
  ['https://www.reddit.com/comments/1H4X2ZQ', 'reddit', 't3_1h4x2zq'],
  // TikTok
  [
    'https://www.tiktok.com/@scout2015/video/6718335390845095173?lang=en',
    'tiktok',
    '6718335390845095173',
  ],
];

/** Pages that are not a post of a known platform: the canonical URL keys them. */
const NOT_PLATFORM_POSTS = [
  'https://x.com/NASA',
  'https://x.com/home',
  'https://x.com/NASA/status/not-a-number',
  'https://www.youtube.com/watch?v=short',
  'https://www.youtube.com/@NASA',
  'https://www.facebook.com/nasa',
  'https://www.reddit.com/r/science/',
  'https://www.reddit.com/r/science/s/AbCdEf1234',
  'https://bsky.app/profile/jay.bsky.team',
  'https://mastodon.social/@Gargron',
  'https://mastodon.social/@Gargron/followers',
  'https://news.example.com/2026/11/bridge',
  'https://medium.com/@writer/how-to-7f3a2b9c1d',
  'ftp://x.com/a/status/1',
  'not a url',
];

describe('platformPostOf', () => {
  it.each(RECORDED)('%s → %s %s', (url, platform, externalId) => {
    expect(platformPostOf(url)).toEqual({ platform, externalId });
  });

  it.each(NOT_PLATFORM_POSTS)('%s is no platform post', (url) => {
    expect(platformPostOf(url)).toBeNull();
  });

  it('gives the API a platform name and id it accepts', () => {
    for (const [url] of RECORDED) {
      const post = platformPostOf(url);
      expect(post?.platform).toMatch(/^[a-z0-9][a-z0-9._-]{0,63}$/);
      expect(post?.externalId.length).toBeLessThanOrEqual(256);
    }
  });
});

describe('pagePostKey', () => {
  it('keys a platform post by its id alone, whatever its URL or canonical link say', () => {
    expect(
      pagePostKey({
        url: 'https://x.com/NASA/status/1861092427542737157?s=20&utm_source=a',
        canonical: 'https://x.com/NASA/status/1861092427542737157',
      }),
    ).toEqual({ platform: 'x', externalId: '1861092427542737157' });
  });

  it("keys an article by its canonical link, canonicalised, when it names the page's site", () => {
    expect(
      pagePostKey({
        url: 'https://www.news.example.com/amp/story?id=7&utm_medium=social',
        canonical: 'https://news.example.com/story?utm_source=x&id=7#top',
      }),
    ).toEqual({ canonicalUrl: 'https://news.example.com/story?id=7' });
    expect(pagePostKey({ url: 'https://example.com/a/b', canonical: '/story?id=7' })).toEqual({
      canonicalUrl: 'https://example.com/story?id=7',
    });
    expect(pagePostKey({ url: 'https://example.com/a/b?utm_source=x#c' })).toEqual({
      canonicalUrl: 'https://example.com/a/b',
    });
  });

  it("ignores a canonical link to another site: a page cannot borrow another post's notes", () => {
    expect(
      pagePostKey({
        url: 'https://evil.example.net/copy',
        canonical: 'https://news.example.com/story?id=7',
      }),
    ).toEqual({ canonicalUrl: 'https://evil.example.net/copy' });
    expect(
      pagePostKey({ url: 'https://example.com/a#x', canonical: 'javascript:alert(1)' }),
    ).toEqual({ canonicalUrl: 'https://example.com/a' });
  });

  it('has no key for pages that are no post (no http URL)', () => {
    expect(pagePostKey({ url: 'chrome://extensions/' })).toBeNull();
    expect(pagePostKey({ url: 'about:blank' })).toBeNull();
    expect(pagePostKey({ url: 'not a url' })).toBeNull();
  });

  it('turns keys into the references the write endpoints take', () => {
    expect(postRefOf({ platform: 'x', externalId: '20' })).toEqual({
      platform: 'x',
      externalId: '20',
    });
    expect(postRefOf({ canonicalUrl: 'https://example.com/a' })).toEqual({
      url: 'https://example.com/a',
    });
  });
});

describe('post lookup hashes', () => {
  it('hashes one unambiguous text per key', () => {
    expect(postLookupText({ platform: 'x', externalId: '20' })).toBe('platform\tx\t20');
    expect(postLookupText({ canonicalUrl: 'https://example.com/a' })).toBe(
      'url\thttps://example.com/a',
    );
    // Computed independently: printf 'platform\tx\t20' | sha256sum, and likewise.
    expect(postLookupHash({ platform: 'x', externalId: '20' })).toBe(
      '67fc1120d9e90e4e06017c3ae8a57e4008932ee7b9d1b8201bf6e1d7f18773f9',
    );
    expect(postLookupHash({ canonicalUrl: 'https://example.com/a' })).toBe(
      'c02732d9d89d617905a6fdd5295add01b4806a59396c476bee0871a807c9d0a0',
    );
    // UTF-8, as PostgreSQL's convert_to(…, 'UTF8') gives it.
    expect(postLookupHash({ canonicalUrl: 'https://example.com/caf\u00e9' })).toBe(
      'b73d23d918be0b97ee9c7bf6f25880b9f442532e22fa4281b8bda4aac702beea',
    );
  });

  it('gives a prefix of four hex digits', () => {
    const prefix = lookupPrefixOf(postLookupHash({ canonicalUrl: 'https://example.com/a' }));
    expect(prefix).toMatch(LOOKUP_PREFIX_PATTERN);
  });
});
