import { canonicalPostUrl, InvalidPostUrlError } from './canonical-url';

/** A post as instances key it: its canonical URL, or a platform's name and its own id there. */
export type PostKey = { canonicalUrl: string } | { platform: string; externalId: string };

export interface PlatformPost {
  platform: string;
  externalId: string;
}

/** The platforms whose post ids the extension (and anyone) reads from a page's URL. */
export const PLATFORMS = [
  'x',
  'mastodon',
  'bluesky',
  'youtube',
  'facebook',
  'reddit',
  'tiktok',
] as const;

const DIGITS = /^\d{1,20}$/;
const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const REDDIT_ID = /^[a-z0-9]{1,13}$/;
/** Facebook's ids: numeric object ids, or the obfuscated `pfbid…` form of a post's id. */
const FACEBOOK_ID = /^(\d{1,25}|pfbid[A-Za-z0-9]{10,80})$/;
/** A Bluesky actor: a handle (a domain name) or a DID. */
const BLUESKY_ACTOR = /^([a-z0-9-]+(\.[a-z0-9-]+)+|did:(plc|web):[a-z0-9.:%-]{1,120})$/;
const BLUESKY_RKEY = /^[A-Za-z0-9._:~-]{1,512}$/;

/** The host without the prefixes platforms use for the same site (`www.`, `m.`, `mobile.`…). */
function bareHost(host: string): string {
  return host.replace(/^(www|m|mobile|mbasic|web|old|new|np|music)\./, '');
}

function segments(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

const match = (platform: string, id: string | undefined, pattern: RegExp): PlatformPost | null =>
  id !== undefined && pattern.test(id) ? { platform, externalId: id } : null;

function xPost(url: URL, path: string[]): PlatformPost | null {
  // /{user}/status/{id}[/photo/1…], /i/web/status/{id}, /i/status/{id}
  const at = path.findIndex((part) => part === 'status' || part === 'statuses');
  return at >= 1 && at <= 2 ? match('x', path[at + 1], DIGITS) : null;
}

function youtubePost(url: URL, path: string[], host: string): PlatformPost | null {
  if (host === 'youtu.be') return match('youtube', path[0], YOUTUBE_ID);
  if (path[0] === 'watch')
    return match('youtube', url.searchParams.get('v') ?? undefined, YOUTUBE_ID);
  if (['shorts', 'embed', 'live', 'v'].includes(path[0])) {
    return match('youtube', path[1], YOUTUBE_ID);
  }
  return null;
}

function facebookPost(url: URL, path: string[]): PlatformPost | null {
  const query = (name: string) => url.searchParams.get(name) ?? undefined;
  const [first] = path;
  if (first === 'permalink.php' || first === 'story.php') {
    return match('facebook', query('story_fbid'), FACEBOOK_ID);
  }
  if (first === 'photo.php' || first === 'photo')
    return match('facebook', query('fbid'), FACEBOOK_ID);
  if (first === 'watch') return match('facebook', query('v'), FACEBOOK_ID);
  if (first === 'reel') return match('facebook', path[1], FACEBOOK_ID);
  // /{page}/posts/{id}, /{page}/videos/{id}, /groups/{group}/posts/{id}, …/permalink/{id},
  // /{page}/photos/{album}/{id}
  for (const [marker, offset] of [
    ['posts', 1],
    ['videos', 1],
    ['permalink', 1],
    ['photos', 2],
  ] as const) {
    const at = path.indexOf(marker);
    if (at >= 1) return match('facebook', path[at + offset], FACEBOOK_ID);
  }
  return null;
}

function redditPost(path: string[], host: string): PlatformPost | null {
  // Reddit's own "fullnames": t3_ for a post, t1_ for a comment (a comment's permalink is the
  // comment's page, and a note on it is about the comment).
  const lower = path.map((part) => part.toLowerCase());
  if (host === 'redd.it') {
    return REDDIT_ID.test(lower[0] ?? '')
      ? { platform: 'reddit', externalId: `t3_${lower[0]}` }
      : null;
  }
  const at = lower.indexOf('comments');
  const post = lower[at + 1];
  if (at < 0 || !post || !REDDIT_ID.test(post)) return null;
  const comment = lower[at + 3];
  return {
    platform: 'reddit',
    externalId: comment && REDDIT_ID.test(comment) ? `t1_${comment}` : `t3_${post}`,
  };
}

function mastodonPost(url: URL, path: string[], host: string): PlatformPost | null {
  // Any server: /@{user}/{id} (also /@{user}@{domain}/{id}, a remote account shown there) and
  // /users/{user}/statuses/{id}. Ids are the server's own, so the host is part of the key.
  const id =
    path.length === 2 && /^@[^@/]+(@[^@/]+)?$/.test(path[0])
      ? path[1]
      : path.length === 4 && path[0] === 'users' && path[2] === 'statuses'
        ? path[3]
        : undefined;
  return id !== undefined && DIGITS.test(id)
    ? { platform: 'mastodon', externalId: `${host}/${id}` }
    : null;
}

/**
 * The platform and post id a URL shows, when it is a post on a platform the extension knows:
 * X/Twitter, Mastodon (any server, by its URL form), Bluesky, YouTube, Facebook, Reddit and
 * TikTok. Null for anything else (an article is known by its canonical URL instead). The rules
 * and recorded examples are in post-detection.spec.ts; docs/extension.md lists the key forms.
 */
export function platformPostOf(input: string): PlatformPost | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = bareHost(url.hostname.toLowerCase());
  const path = segments(url);
  switch (host) {
    case 'x.com':
    case 'twitter.com':
      return xPost(url, path);
    case 'youtube.com':
    case 'youtube-nocookie.com':
    case 'youtu.be':
      return youtubePost(url, path, host);
    case 'facebook.com':
    case 'fb.com':
      return facebookPost(url, path);
    case 'reddit.com':
    case 'redd.it':
      return redditPost(path, host);
    case 'bsky.app': {
      const [profile, actor, post, rkey] = path;
      const handle = actor?.toLowerCase();
      // Keyed by the actor as the URL names it: a handle (lowercased) or a DID.
      return profile === 'profile' &&
        post === 'post' &&
        handle &&
        BLUESKY_ACTOR.test(handle) &&
        rkey &&
        BLUESKY_RKEY.test(rkey)
        ? { platform: 'bluesky', externalId: `${handle}/${rkey}` }
        : null;
    }
    case 'tiktok.com':
      return path.length >= 3 && path[0].startsWith('@') && path[1] === 'video'
        ? match('tiktok', path[2], DIGITS)
        : null;
    default:
      return mastodonPost(url, path, url.host.toLowerCase());
  }
}

const isSameSite = (a: string, b: string) => a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);

/**
 * The key a page's notes are looked up by: the platform post its URL shows, if any, else its
 * canonical URL — the page's `<link rel="canonical">` when that names the same site (a page
 * cannot borrow another site's notes), else the page's own URL, canonicalised as the API does.
 * One key, never two: two lookups made together for one page would tell the instance two
 * prefixes of one post, 32 bits instead of 16 (docs/extension.md, "What the lookup leaks").
 * Null for a page that is no post (not http or https).
 */
export function pagePostKey(page: { url: string; canonical?: string | null }): PostKey | null {
  const platform = platformPostOf(page.url);
  if (platform) return platform;
  let pageUrl: URL;
  try {
    pageUrl = new URL(page.url);
  } catch {
    return null;
  }
  let chosen = page.url;
  if (page.canonical) {
    try {
      const canonical = new URL(page.canonical, pageUrl);
      if (isSameSite(canonical.hostname, pageUrl.hostname)) chosen = canonical.href;
    } catch {
      // An unparsable canonical link is the page's mistake: keep its own URL.
    }
  }
  try {
    return { canonicalUrl: canonicalPostUrl(chosen) };
  } catch (error) {
    if (error instanceof InvalidPostUrlError) return null;
    throw error;
  }
}

/** A post reference as the API's write endpoints take it. */
export function postRefOf(
  key: PostKey,
): { url: string } | { platform: string; externalId: string } {
  return 'canonicalUrl' in key
    ? { url: key.canonicalUrl }
    : { platform: key.platform, externalId: key.externalId };
}
