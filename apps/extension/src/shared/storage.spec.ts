import { ext } from './extension-api';
import { load, STORAGE_LOCK, update } from './storage';

// A small stand-in for the extension's storage: each read and write answers a turn of the event
// loop later, as the browser's do, so two read-modify-writes left to themselves interleave.
jest.mock('./extension-api', () => {
  let items: Record<string, unknown> = {};
  const later = () => new Promise((resolve) => setImmediate(resolve));
  return {
    ext: {
      storage: {
        local: {
          async get(keys: string[]) {
            await later();
            return Object.fromEntries(
              keys.filter((key) => key in items).map((key) => [key, structuredClone(items[key])]),
            );
          },
          async set(changes: Record<string, unknown>) {
            await later();
            items = { ...items, ...structuredClone(changes) };
          },
          clear: () => (items = {}),
        },
      },
    },
  };
});

const local = ext.storage.local as typeof ext.storage.local & { clear(): void };

beforeEach(() => local.clear());

/** Each update adds one identity, as a Create or a Restore for its instance does. */
const addIdentity = (instance: string) =>
  update(({ identities }) => ({ identities: { ...identities, [instance]: `backup-${instance}` } }));

const instances = ['https://a.example', 'https://b.example', 'https://c.example'];

describe('update', () => {
  it('keeps every change of updates started together: none saves over another', async () => {
    await Promise.all(instances.map(addIdentity));
    expect((await load()).identities).toEqual(
      Object.fromEntries(instances.map((instance) => [instance, `backup-${instance}`])),
    );
  });

  it('saves nothing of a change that throws, fails with its error, and lets the next run', async () => {
    const refused = update(() => {
      throw new Error('an identity is kept for this instance already');
    });
    const next = addIdentity(instances[0]);
    await expect(refused).rejects.toThrow('kept for this instance already');
    await next;
    expect((await load()).identities).toEqual({ [instances[0]]: `backup-${instances[0]}` });
  });

  describe('with Web Locks, as in every extension page and worker', () => {
    const taken: string[] = [];
    let held = false;
    let overlapped = false;

    beforeAll(() => {
      // One lock shared by the pages, granted in turn. Only its use is faked, not what it orders.
      let turn: Promise<unknown> = Promise.resolve();
      const request = (name: string, run: () => Promise<void>) => {
        taken.push(name);
        const granted = turn.then(async () => {
          if (held) overlapped = true;
          held = true;
          try {
            await run();
          } finally {
            held = false;
          }
        });
        turn = granted.catch(() => undefined);
        return granted;
      };
      Object.defineProperty(globalThis, 'navigator', {
        value: { locks: { request } },
        configurable: true,
      });
    });

    afterAll(() => {
      delete (globalThis as { navigator?: unknown }).navigator;
    });

    it('still saves where the lock is refused, as Chromium refuses it to the panel framed by a web page', async () => {
      const granting = navigator.locks.request;
      const refuse = () =>
        Promise.reject(new DOMException('The request was denied.', 'SecurityError'));
      Object.assign(navigator.locks, { request: refuse });
      try {
        await Promise.all(instances.map(addIdentity));
      } finally {
        Object.assign(navigator.locks, { request: granting });
      }
      expect(Object.keys((await load()).identities).sort()).toEqual(instances);
    });

    it('passes on a failure inside the lock, saving nothing', async () => {
      const failed = update(() => {
        throw new Error('refused inside');
      });
      await expect(failed).rejects.toThrow('refused inside');
      expect((await load()).identities).toEqual({});
    });

    it('takes the shared lock for each update, one holder at a time, and keeps every change', async () => {
      taken.length = 0;
      await Promise.all(instances.map(addIdentity));
      expect(taken).toEqual(instances.map(() => STORAGE_LOCK));
      expect(overlapped).toBe(false);
      expect(Object.keys((await load()).identities).sort()).toEqual(instances);
    });
  });
});
