import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';
import { gzipSync } from 'node:zlib';

import { createCommunity, createTestPrisma, SHAPED_PROOF } from '../../testing/fixtures';
import { createTestApp } from '../../testing/test-app';
import { MAX_JSON_DEPTH } from './input-hardening';

const NOTE = {
  post: { url: 'https://example.com/story' },
  classification: 'NOT_MISLEADING',
  reasons: ['FACTUALLY_CORRECT'],
  text: 'The bridge reopened on Monday.',
  sources: [],
  clientMinute: 1,
  proof: SHAPED_PROOF,
};

/** supertest would send a Buffer with a JSON type as JSON (`{"type":"Buffer",…}`); this sends its bytes. */
const asIs = (body: Buffer) => body as unknown as string;

/** The attacks of issue 19's fuzzing run, each answered with a named 400 and nothing written. */
describe('input hardening', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let slug: string;
  const server = () => app.getHttpServer();
  const notes = () => prisma.note.count();

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    ({ slug } = await createCommunity(prisma));
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await app.close();
  });

  it.each([
    ['U+0000 in a query', '/posts?platform=mastodon&externalId=a%00b', 'query.externalId', '0000'],
    ['a noncharacter in a query', '/posts?url=https%3A%2F%2Fa.b%2F%EF%BF%BF', 'query.url', 'FFFF'],
    ['U+0000 in the path', '/communities/a%00b', 'path', '0000'],
  ])('refuses %s, naming where', async (_, url, where, codePoint) => {
    const response = await request(server()).get(url).expect(400);
    expect(response.body).toMatchObject({
      code: 'FORBIDDEN_CHARACTER',
      message: `${where} contains U+${codePoint}, which is not allowed in any text`,
    });
  });

  it.each([
    ['U+0000 in the text', { text: 'a\u0000b' }, 'body.text contains U+0000'],
    ['a lone surrogate in a reason', { reasons: ['\ud800'] }, 'body.reasons[0] contains U+D800'],
    ['a noncharacter in a key', { post: { '\ufdd0': 1 } }, 'a field name in body.post'],
  ])('refuses %s in a JSON body, writing nothing', async (_, changes, message) => {
    const before = await notes();
    // JSON.stringify escapes lone surrogates; this sends the raw escapes a client could send.
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...NOTE, ...changes }))
      .expect(400);
    expect(response.body.code).toBe('FORBIDDEN_CHARACTER');
    expect(response.body.message).toContain(message);
    expect(await notes()).toBe(before);
  });

  it.each([
    ['only a zero-width space', '\u200b'],
    ['only spaces of several kinds', ' \u00a0\u3000\t'],
    ['only Hangul fillers and blank Braille', '\u3164\u2800'],
    ['only combining marks', '\u0301\u0301'],
  ])('refuses a note with %s: it has no visible character', async (_, text) => {
    const before = await notes();
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .send({ ...NOTE, text })
      .expect(400);
    expect(response.body).toMatchObject({ code: 'TEXT_INVALID' });
    expect(response.body.message).toContain('no visible character');
    expect(await notes()).toBe(before);
  });

  it('lets visible text with invisible characters reach the proof check', async () => {
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .send({ ...NOTE, text: '\u200bSee the notice.' })
      .expect(400);
    expect(response.body.code).toBe('PROOF_SCOPE');
  });

  it.each([
    [
      'text',
      // One URL, which counts as one character of the 280: only the column's 1000 can refuse it.
      { text: `https://example.org/${'x\ufe0f'.repeat(600)}` },
      'text must be 1 to 1000 characters long as sent',
    ],
    [
      'post.externalId',
      { post: { platform: 'mastodon', externalId: 'x\ufe0f'.repeat(200) } },
      'post.externalId must be 1 to 256 characters',
    ],
  ])(
    'counts %s in characters as the database does (variation selectors too), not as validator.js does',
    async (_, changes, message) => {
      // validator.js's Length leaves out U+FE0F: 620 and 200 there, 1220 and 400 in a VARCHAR.
      // Let through, the write was buffered and its batch then failed at every seal.
      const before = await notes();
      const response = await request(server())
        .post(`/communities/${slug}/notes`)
        .send({ ...NOTE, ...changes })
        .expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.message).toContain(message);
      expect(await notes()).toBe(before);
    },
  );

  it('counts a character outside the Basic Multilingual Plane once, as the database does', async () => {
    // 256 emoji are 512 UTF-16 code units and 256 characters: within post.externalId's 256.
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .send({ ...NOTE, post: { platform: 'mastodon', externalId: '\u{1f309}'.repeat(256) } })
      .expect(400);
    expect(response.body.code).toBe('PROOF_SCOPE');
  });

  it('refuses JSON nested deeper than the cap before parsing it into objects', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .set('Content-Type', 'application/json')
      .send(`{"text":${deep}}`)
      .expect(400);
    expect(response.body).toMatchObject({
      code: 'JSON_TOO_DEEP',
      message: `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
    });
  });

  it('counts only structure, not brackets inside strings, towards the depth', async () => {
    const text = `${'[{'.repeat(40)} \\" ${'}]'.repeat(40)}`;
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .send({ ...NOTE, text })
      .expect(400);
    expect(response.body.code).toBe('PROOF_SCOPE');
  });

  it('accepts nesting up to the cap (then the DTO decides)', async () => {
    const nested = '['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1);
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .set('Content-Type', 'application/json')
      .send(`{"text":${nested}}`)
      .expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['text/plain', JSON.stringify(NOTE)],
    ['text/plain; charset=utf-8', JSON.stringify(NOTE)],
    ['application/x-www-form-urlencoded', 'text=Context.&clientMinute=1'],
    ['multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
    ['application/jsonx', JSON.stringify(NOTE)],
  ])(
    'refuses a body sent as %s with 415 UNSUPPORTED_MEDIA_TYPE, writing nothing',
    async (type, body) => {
      // Unread, it reached the route as {} and was answered with its first missing field.
      const before = await notes();
      const response = await request(server())
        .post(`/communities/${slug}/notes`)
        .set('Content-Type', type)
        .send(body);
      expect({ status: response.status, code: response.body.code }).toEqual({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
      expect(response.body.message).toBe(
        'The request body must be JSON, sent with Content-Type: application/json',
      );
      expect(await notes()).toBe(before);
    },
  );

  it('refuses a body without a Content-Type with 415, and takes no body whatever its type', async () => {
    const untyped = await request(server())
      .post(`/communities/${slug}/notes`)
      .serialize(asIs)
      .send(asIs(Buffer.from(JSON.stringify(NOTE))))
      .unset('Content-Type');
    expect(untyped.status).toBe(415);
    // No body at all is no body of the wrong type: the route's own answer.
    const empty = await request(server())
      .post(`/communities/${slug}/notes`)
      .set('Content-Type', 'text/plain')
      .set('Content-Length', '0');
    expect({ status: empty.status, code: empty.body.code }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  /** A JSON body in UTF-16LE, whose code units the byte-wise depth count cannot read. */
  const utf16 = (text: string) => Buffer.from(text, 'utf16le');
  const escapedQuoteThenDeep = (depth: number) =>
    `{"x":"\\"","y":${'['.repeat(depth)}${']'.repeat(depth)}}`;

  it('refuses a JSON body in UTF-16 with 415 UNSUPPORTED_CHARSET, before counting its depth', async () => {
    // `\` is 5C 00 in UTF-16LE: a byte-wise scan skipped the 00 and took the next `"` as the
    // string's end, so it counted nothing of `y`'s 17 levels and the DTO answered 400.
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .set('Content-Type', 'application/json; charset=utf-16le')
      .serialize(asIs)
      .send(utf16(escapedQuoteThenDeep(MAX_JSON_DEPTH + 1)))
      .expect(415);
    expect(response.body).toMatchObject({
      code: 'UNSUPPORTED_CHARSET',
      message: 'unsupported charset "UTF-16LE"',
    });
  });

  // 15,000 levels in UTF-16 and 8,000 in UTF-32 fit in the 64 kB limit; class-transformer and
  // class-validator overflowed the stack on them (500 and a stack logged per request).
  it.each([
    ['utf-16le', 15_000, utf16],
    ['UTF-16BE', 15_000, (text: string) => utf16(text).swap16()],
    ['utf-16', 15_000, utf16],
    [
      'utf-32be',
      8_000,
      (text: string) => Buffer.from([...text].flatMap((c) => [0, 0, 0, c.charCodeAt(0)])),
    ],
  ])('never answers a deep JSON body in %s with a 5xx', async (charset, depth, encode) => {
    const encoded = encode(escapedQuoteThenDeep(depth));
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .set('Content-Type', `application/json; charset=${charset}`)
      .serialize(asIs)
      .send(encoded);
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('UNSUPPORTED_CHARSET');
  });

  it.each(['utf-8', 'UTF-8', 'Utf-8'])(
    'accepts a JSON body labelled charset=%s',
    async (charset) => {
      const response = await request(server())
        .post(`/communities/${slug}/notes`)
        .set('Content-Type', `application/json; charset=${charset}`)
        .send(JSON.stringify(NOTE))
        .expect(400);
      expect(response.body.code).toBe('PROOF_SCOPE');
    },
  );

  it.each([
    ['not gzip at all', Buffer.from('{"text": "plain"}')],
    ['a gzip stream cut short', gzipSync(Buffer.from(JSON.stringify(NOTE))).subarray(0, 30)],
    [
      'a gzip stream with a wrong checksum',
      (() => {
        const body = gzipSync(Buffer.from(JSON.stringify(NOTE)));
        body[body.length - 6] ^= 0xff;
        return body;
      })(),
    ],
  ])('answers a corrupt compressed body (%s) with 400 CORRUPT_BODY', async (_, body) => {
    const before = await notes();
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(asIs)
      .send(body)
      .expect(400);
    expect(response.body.code).toBe('CORRUPT_BODY');
    expect(response.body.message).toMatch(/^The request body could not be decompressed \(.+\)$/);
    expect(await notes()).toBe(before);
  });

  it('still takes a well-formed gzip body', async () => {
    const response = await request(server())
      .post(`/communities/${slug}/notes`)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(asIs)
      .send(gzipSync(Buffer.from(JSON.stringify(NOTE))))
      .expect(400);
    expect(response.body.code).toBe('PROOF_SCOPE');
  });
});
