import { availableParallelism } from 'node:os';

import { InvalidEnvironmentError, validateEnvironment } from './environment';

const VALID = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/bridgenotes',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    validateEnvironment(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    return (error as InvalidEnvironmentError).problems;
  }
  throw new Error('expected the environment to be rejected');
}

describe('validateEnvironment', () => {
  it('fills in defaults for optional variables', () => {
    const environment = validateEnvironment(VALID);
    expect(environment).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '127.0.0.1',
      QUEUE_PREFIX: 'bridgenotes',
      LOG_LEVEL: 'info',
      SCORING_CONCURRENCY: 1,
      SHUTDOWN_TIMEOUT_MS: 60_000,
      ROOT_HISTORY_WINDOW_SECONDS: 3_600,
      PROOF_MIN_MEMBERS: 20,
      SCORING_DEBOUNCE_SECONDS: 5,
      SCORING_RUN_TIMEOUT_SECONDS: 3_600,
      SCORING_STATEMENT_TIMEOUT_SECONDS: 600,
      PROOF_VERIFIER_THREADS: availableParallelism(),
      SCORING_THREADS: availableParallelism(),
      API_PROCESSES: 1,
      POST_CACHE_MS: 1_000,
      CREDENTIAL_REPLACEMENT_DAYS: 30,
      MEMBER_INVITES_PER_DAY: 20,
    });
    expect(environment.OPERATOR_API_KEY_SHA256).toBeUndefined();
  });

  it('parses numbers given as strings', () => {
    const environment = validateEnvironment({
      ...VALID,
      PORT: '8080',
      SCORING_CONCURRENCY: '4',
      PROOF_VERIFIER_THREADS: '0',
    });
    expect(environment.PROOF_VERIFIER_THREADS).toBe(0);
    expect(environment.PORT).toBe(8080);
    expect(environment.SCORING_CONCURRENCY).toBe(4);
  });

  it('allows private webhook receivers only when WEBHOOK_ALLOW_PRIVATE_RECEIVERS is true', () => {
    expect(validateEnvironment(VALID).WEBHOOK_ALLOW_PRIVATE_RECEIVERS).toBe(false);
    expect(
      validateEnvironment({ ...VALID, WEBHOOK_ALLOW_PRIVATE_RECEIVERS: 'true' })
        .WEBHOOK_ALLOW_PRIVATE_RECEIVERS,
    ).toBe(true);
    expect(
      validateEnvironment({ ...VALID, WEBHOOK_ALLOW_PRIVATE_RECEIVERS: 'false' })
        .WEBHOOK_ALLOW_PRIVATE_RECEIVERS,
    ).toBe(false);
    expect(problemsOf({ ...VALID, WEBHOOK_ALLOW_PRIVATE_RECEIVERS: 'yes' })).toEqual([
      'WEBHOOK_ALLOW_PRIVATE_RECEIVERS is invalid: must be true or false',
    ]);
  });

  it('allows private mirror origins only when MIRROR_ALLOW_PRIVATE_ORIGINS is true', () => {
    expect(validateEnvironment(VALID).MIRROR_ALLOW_PRIVATE_ORIGINS).toBe(false);
    expect(
      validateEnvironment({ ...VALID, MIRROR_ALLOW_PRIVATE_ORIGINS: 'true' })
        .MIRROR_ALLOW_PRIVATE_ORIGINS,
    ).toBe(true);
    expect(
      validateEnvironment({ ...VALID, MIRROR_ALLOW_PRIVATE_ORIGINS: 'false' })
        .MIRROR_ALLOW_PRIVATE_ORIGINS,
    ).toBe(false);
    expect(problemsOf({ ...VALID, MIRROR_ALLOW_PRIVATE_ORIGINS: 'yes' })).toEqual([
      'MIRROR_ALLOW_PRIVATE_ORIGINS is invalid: must be true or false',
    ]);
  });

  it('names every missing required variable', () => {
    const problems = problemsOf({});
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL is not set: must be a PostgreSQL connection URL/),
      expect.stringMatching(/^REDIS_URL is not set: must be a Redis connection URL/),
    ]);
  });

  it('needs no REDIS_URL when the queues live in PostgreSQL', () => {
    const withoutRedis = { DATABASE_URL: VALID.DATABASE_URL };
    expect(validateEnvironment({ ...withoutRedis, QUEUE_BACKEND: 'postgres' })).toMatchObject({
      QUEUE_BACKEND: 'postgres',
    });
    expect(validateEnvironment(VALID).QUEUE_BACKEND).toBe('redis');
    expect(problemsOf({ ...withoutRedis, QUEUE_BACKEND: 'redis' })).toEqual([
      expect.stringMatching(/^REDIS_URL is not set/),
    ]);
    expect(problemsOf({ ...VALID, QUEUE_BACKEND: 'kafka' })).toEqual([
      expect.stringMatching(/^QUEUE_BACKEND is invalid: must be one of redis, postgres/),
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(problemsOf({ ...VALID, REDIS_URL: '' })).toEqual([
      expect.stringMatching(/^REDIS_URL is not set/),
    ]);
  });

  it.each([
    ['PORT', 'eighty', /^PORT is invalid: .*must be a whole number/],
    ['PORT', '70000', /^PORT is invalid: must be a port number from 1 to 65535/],
    ['NODE_ENV', 'staging', /^NODE_ENV is invalid: must be one of development, production, test/],
    ['LOG_LEVEL', 'verbose', /^LOG_LEVEL is invalid: must be one of/],
    ['DATABASE_URL', 'mysql://root@localhost/db', /^DATABASE_URL is invalid: must be a PostgreSQL/],
    ['QUEUE_PREFIX', 'has spaces', /^QUEUE_PREFIX is invalid/],
    ['QUEUE_PREFIX', 'q'.repeat(57), /^QUEUE_PREFIX is invalid: must be 1 to 56/],
    [
      'ROOT_HISTORY_WINDOW_SECONDS',
      '2592001',
      /^ROOT_HISTORY_WINDOW_SECONDS is invalid: must be at most 2592000/,
    ],
    [
      'OPERATOR_API_KEY_SHA256',
      'plain-text-key',
      /^OPERATOR_API_KEY_SHA256 is invalid: must be the SHA-256/,
    ],
    ['SCORING_CONCURRENCY', '0', /^SCORING_CONCURRENCY is invalid: must be at least 1/],
    ['PROOF_MIN_MEMBERS', '0', /^PROOF_MIN_MEMBERS is invalid: must be at least 1 \(members\)/],
    ['PROOF_VERIFIER_THREADS', '-1', /^PROOF_VERIFIER_THREADS is invalid: must be 0 .* or more/],
    ['API_PROCESSES', '0', /^API_PROCESSES is invalid: must be at least 1/],
    ['SCORING_THREADS', '0', /^SCORING_THREADS is invalid: must be at least 1/],
    [
      'SCORING_RUN_TIMEOUT_SECONDS',
      '0',
      /^SCORING_RUN_TIMEOUT_SECONDS is invalid: must be at least 1/,
    ],
    [
      // Past Node's longest timer (2^31 - 1 ms) it would fire at once and fail every run.
      'SCORING_RUN_TIMEOUT_SECONDS',
      '2147484',
      /^SCORING_RUN_TIMEOUT_SECONDS is invalid: must be at most 2147483/,
    ],
    ['POST_CACHE_MS', '-1', /^POST_CACHE_MS is invalid: must be 0 \(no cache\) or more/],
    [
      'DATABASE_POOL_WAIT_SECONDS',
      '0',
      /^DATABASE_POOL_WAIT_SECONDS is invalid: must be from 1 to 300/,
    ],
  ])('rejects %s=%s with a message naming it', (name, value, expected) => {
    expect(problemsOf({ ...VALID, [name]: value })).toEqual([expect.stringMatching(expected)]);
  });

  it('never echoes the offending value, which may be a secret', () => {
    const error = (() => {
      try {
        validateEnvironment({ ...VALID, OPERATOR_API_KEY_SHA256: 'hunter2-secret' });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a rejection');
    })();
    expect(error.message).toContain('OPERATOR_API_KEY_SHA256');
    expect(error.message).not.toContain('hunter2-secret');
  });
});
