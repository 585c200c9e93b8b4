import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { instanceOrigin } from './shared/storage';

const manifest = JSON.parse(readFileSync(join(__dirname, 'manifest.json'), 'utf8')) as {
  minimum_chrome_version: string;
  host_permissions: string[];
  content_security_policy: { extension_pages: string };
};

/** Whether a match pattern (`scheme://host/*`, host `*` or a name; any port) covers `origin`. */
function matches(pattern: string, origin: string): boolean {
  const [, scheme, host] = /^(\*|https?):\/\/([^/]+)\/\*$/.exec(pattern) ?? [];
  const url = new URL(origin);
  const schemeOk = scheme === '*' ? /^https?:$/.test(url.protocol) : url.protocol === `${scheme}:`;
  return schemeOk && (host === '*' || host === url.hostname);
}

/** Whether a `connect-src` source (a scheme, or `scheme://host:*`) allows `origin`. */
function allows(source: string, origin: string): boolean {
  const url = new URL(origin);
  if (/^[a-z]+:$/.test(source)) return url.protocol === source;
  const [, scheme, host] = /^([a-z]+):\/\/([^:/]+):\*$/.exec(source) ?? [];
  return url.protocol === `${scheme}:` && url.hostname === host;
}

const connectSources = () =>
  (/connect-src ([^;]+)/.exec(manifest.content_security_policy.extension_pages)?.[1] ?? '')
    .trim()
    .split(/\s+/);

describe('the manifest reaches the instances the extension follows, and no more', () => {
  it.each([
    'https://notes.example.org',
    'https://notes.example.org:8443',
    'http://127.0.0.1:3000',
    'http://localhost:8080',
  ])('allows %s, which the settings follow', (origin) => {
    expect(instanceOrigin(origin)).toBe(origin);
    expect(manifest.host_permissions.some((pattern) => matches(pattern, origin))).toBe(true);
    expect(connectSources().some((source) => allows(source, origin))).toBe(true);
  });

  it.each(['http://notes.example.org', 'http://10.0.0.5:3000', 'http://[::1]:3000'])(
    'allows neither host access nor connections to %s, plain http the settings refuse',
    (origin) => {
      expect(instanceOrigin(origin)).toBeNull();
      expect(manifest.host_permissions.filter((pattern) => matches(pattern, origin))).toEqual([]);
      expect(connectSources().filter((source) => allows(source, origin))).toEqual([]);
    },
  );
});

describe('the manifest admits only the Chromium versions that honour its protections', () => {
  it('asks Chromium 140 or newer: before, storage.local.setAccessLevel was refused (content scripts kept reading the identities), and before 130 use_dynamic_url was ignored', () => {
    expect(manifest.minimum_chrome_version).toMatch(/^\d+(\.\d+)*$/);
    expect(Number.parseInt(manifest.minimum_chrome_version, 10)).toBeGreaterThanOrEqual(140);
  });
});
