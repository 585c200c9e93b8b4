import { eventually } from '@bridgenotes/testing';

import { PollingLoop } from './polling-loop';

const SECRET = 'a-pseudonym-in-a-query';

describe('PollingLoop', () => {
  it("logs a failed pass by the error's codes, never its message", async () => {
    const warn = jest.fn();
    // A database error whose message prints the query's arguments, as Prisma's may.
    const failure = Object.assign(new Error(`Invalid invocation: { pseudonym: "${SECRET}" }`), {
      name: 'PrismaClientKnownRequestError',
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: '40P01' } } },
    });
    const loop = new PollingLoop('outbox', 10, () => Promise.reject(failure), { warn });
    loop.start();
    try {
      await eventually(async () => expect(warn).toHaveBeenCalled());
    } finally {
      await loop.stop();
    }
    expect(warn).toHaveBeenCalledWith(
      'outbox: PrismaClientKnownRequestError, P2010, SQLSTATE 40P01',
    );
    expect(String(warn.mock.calls)).not.toContain(SECRET);
  });
});
