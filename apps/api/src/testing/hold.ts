import type { PrismaClient } from '@bridgenotes/database';

/**
 * Holds the next call of `object[name]` where it is reached (`reached`) until `release`, then
 * lets it run: a request stopped at a chosen point while the test acts (the race specs). `at`
 * 'return' lets the call run first and holds its answer instead: a request stopped just after a
 * check it made.
 */
export function holdNext<T extends object>(
  object: T,
  name: keyof T & string,
  at: 'call' | 'return' = 'call',
) {
  const original = (object[name] as (...args: unknown[]) => Promise<unknown>).bind(object);
  let reach = () => undefined as void;
  let release = () => undefined as void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  jest.spyOn(object, name as never).mockImplementationOnce((async (...args: unknown[]) => {
    const answer = at === 'return' ? await original(...args) : undefined;
    reach();
    await released;
    return at === 'return' ? answer : original(...args);
  }) as never);
  return { reached, release };
}

/**
 * How many sessions of the test database wait on a transaction-level advisory lock of key space
 * `space` (`hashtextextended(…, space)`): a request waiting its turn behind a held one.
 */
export async function waitingOnAdvisoryLock(prisma: PrismaClient, space: number): Promise<number> {
  const [row] = await prisma.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'
       AND wait_event = 'advisory'
       AND query ILIKE ${`%pg_advisory_xact_lock(hashtextextended(%, ${space}))%`}`;
  return row?.count ?? 0;
}

/**
 * Holds the next interactive transaction of `client` once its work is done, before it commits
 * (`reached`), until `release`: what it wrote is in place, unseen by the others, while the test
 * acts. A client of the test's own, so that no other transaction is the next one.
 */
export function holdBeforeCommit(client: PrismaClient) {
  const original = client.$transaction.bind(client) as (
    work: (tx: unknown) => Promise<unknown>,
    options?: unknown,
  ) => Promise<unknown>;
  let reach = () => undefined as void;
  let release = () => undefined as void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  jest.spyOn(client, '$transaction').mockImplementationOnce(((
    work: (tx: unknown) => Promise<unknown>,
    options?: unknown,
  ) =>
    original(async (tx) => {
      const answer = await work(tx);
      reach();
      await released;
      return answer;
    }, options)) as never);
  return { reached, release };
}
