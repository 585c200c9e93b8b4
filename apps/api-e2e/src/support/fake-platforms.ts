import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A page made to look like a post of a platform, served under the platform's own address. */
export interface FakePost {
  platform: string;
  /** The address the browser shows: the real platform's host, served locally. */
  url: string;
  /** How the instance keys the post: platform and id, or the canonical URL. */
  key: { platform: string; externalId: string } | { canonicalUrl: string };
  title: string;
  body: string;
  canonical?: string;
  /** More markup for the page's head (a community's listing tag). */
  head?: string;
}

export const FAKE_POSTS: FakePost[] = [
  {
    platform: 'x',
    url: 'https://x.com/CityNews/status/1861092427542737157?s=20',
    key: { platform: 'x', externalId: '1861092427542737157' },
    title: 'City News on X: "The old bridge closes for good on Monday"',
    body: '<article data-testid="tweet"><div>City News <span>@CityNews</span></div><div lang="en">The old bridge closes for good on Monday.</div></article>',
  },
  {
    platform: 'mastodon',
    url: 'https://mastodon.social/@citynews/113456789012345678',
    key: { platform: 'mastodon', externalId: 'mastodon.social/113456789012345678' },
    title: 'City News: "Bridge closed to all traffic" - Mastodon',
    body: '<div class="status"><a class="status__display-name">City News</a><div class="status__content">Bridge closed to all traffic from Monday.</div></div>',
  },
  {
    platform: 'bluesky',
    url: 'https://bsky.app/profile/citynews.bsky.social/post/3laz2bz2lqs2a',
    key: { platform: 'bluesky', externalId: 'citynews.bsky.social/3laz2bz2lqs2a' },
    title: 'City News (@citynews.bsky.social) — Bluesky',
    body: '<div data-testid="postThreadItem-by-citynews.bsky.social"><p>The bridge is closed to everyone now.</p></div>',
  },
  {
    platform: 'youtube',
    url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s',
    key: { platform: 'youtube', externalId: 'dQw4w9WgXcQ' },
    title: 'Bridge closure explained - YouTube',
    body: '<ytd-watch-flexy><h1 class="title">Bridge closure explained</h1><div id="description">Why the bridge closed.</div></ytd-watch-flexy>',
    canonical: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  },
  {
    platform: 'facebook',
    url: 'https://www.facebook.com/permalink.php?story_fbid=10161234567890123&id=100044',
    key: { platform: 'facebook', externalId: '10161234567890123' },
    title: 'City News - The bridge is closed | Facebook',
    body: '<div role="article"><h2>City News</h2><div data-ad-preview="message">The bridge is closed, for good.</div></div>',
  },
  {
    platform: 'reddit',
    url: 'https://www.reddit.com/r/city/comments/1h4x2zq/the_bridge_is_closed_for_good/',
    key: { platform: 'reddit', externalId: 't3_1h4x2zq' },
    title: 'The bridge is closed for good : r/city',
    body: '<shreddit-post post-title="The bridge is closed for good"><h1>The bridge is closed for good</h1></shreddit-post>',
  },
  {
    platform: 'article',
    url: 'https://www.news.example.com/amp/2026/11/bridge?utm_source=feed',
    key: { canonicalUrl: 'https://news.example.com/2026/11/bridge' },
    title: 'The bridge closes on Monday — News Example',
    body: '<article><h1>The bridge closes on Monday</h1><p>The council decided…</p></article>',
    canonical: 'https://news.example.com/2026/11/bridge?utm_campaign=amp',
  },
];

const hostsOf = (posts: FakePost[]) => [
  ...new Set(posts.map((post) => new URL(post.url).hostname)),
];

export interface FakePlatforms {
  /** Chromium switches mapping every platform host to the local server. */
  hostResolverRules: string;
  close(): Promise<void>;
}

/**
 * One HTTPS server answering for every platform's host with the page made to look like its
 * post, and a self-signed certificate for those names (the browser is told to accept it).
 */
export async function startFakePlatforms(posts: FakePost[] = FAKE_POSTS): Promise<FakePlatforms> {
  const folder = mkdtempSync(join(tmpdir(), 'bridgenotes-platforms-'));
  const hosts = hostsOf(posts);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=bridgenotes-test',
      '-keyout',
      join(folder, 'key.pem'),
      '-out',
      join(folder, 'cert.pem'),
      '-addext',
      `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`,
    ],
    { stdio: 'ignore' },
  );
  const server: Server = createServer(
    { key: readFileSync(join(folder, 'key.pem')), cert: readFileSync(join(folder, 'cert.pem')) },
    (request, response) => {
      const address = `https://${request.headers.host}${request.url}`;
      const post = posts.find((candidate) => candidate.url === address);
      if (!post) {
        response.writeHead(404).end();
        return;
      }
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(
        `<!doctype html><html><head><title>${post.title}</title>${
          post.canonical ? `<link rel="canonical" href="${post.canonical}">` : ''
        }${post.head ?? ''}</head><body>${post.body}</body></html>`,
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    hostResolverRules: hosts.map((host) => `MAP ${host} 127.0.0.1:${port}`).join(', '),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(folder, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
