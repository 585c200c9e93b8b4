import { HttpStatus } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { TREE_DEPTH } from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';

/** The circuit version every proof must be made with (docs/protocol.md). */
export const ARTIFACTS_VERSION = '4.13.0';

/**
 * SHA-256 of `@zk-kit/semaphore-artifacts` 4.13.0's depth-20 files. The prover worker checks the
 * same hashes before it proves: a swapped circuit would make unverifiable (or forgeable) proofs.
 */
export const ARTIFACT_HASHES: Record<'wasm' | 'zkey', string> = {
  wasm: '6f71e55586929e520e76027ebe067daac8b41e2f4b8057313a5fd0304e1e44ee',
  zkey: '33f9a067a80c7daf90e085449073613a9559a1904dd40aeb6d603afb7988c2cc',
};

export class ArtifactMismatchError extends Error {
  override name = 'ArtifactMismatchError';
}

/** The circuit files on disk, after checking they are exactly the pinned ones. */
export function checkedArtifacts(): Record<'wasm' | 'zkey', string> {
  // Resolved at run time from node_modules (the bundler would inline a plain require.resolve).
  const folder = dirname(
    createRequire(__filename).resolve('@zk-kit/semaphore-artifacts/package.json'),
  );
  const version = (
    JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  if (version !== ARTIFACTS_VERSION) {
    throw new ArtifactMismatchError(
      `@zk-kit/semaphore-artifacts is ${version}; the widget needs ${ARTIFACTS_VERSION}`,
    );
  }
  const files = {
    wasm: join(folder, `semaphore-${TREE_DEPTH}.wasm`),
    zkey: join(folder, `semaphore-${TREE_DEPTH}.zkey`),
  };
  for (const kind of ['wasm', 'zkey'] as const) {
    const hash = createHash('sha256').update(readFileSync(files[kind])).digest('hex');
    if (hash !== ARTIFACT_HASHES[kind]) {
      throw new ArtifactMismatchError(`${files[kind]} has SHA-256 ${hash}, not the pinned one`);
    }
  }
  return files;
}

/**
 * Where the widget's browser bundles are: the API's build writes them to `widget/` beside its
 * own bundle. Running from source (the API's Jest tests), there are none, and the routes that
 * serve them answer 404.
 */
export function widgetBundleFolder(): string | null {
  const folder = join(__dirname, 'widget');
  return existsSync(join(folder, 'embed.js')) ? folder : null;
}

/** The encodings the build precompresses static files in, the best first. */
export const ENCODINGS = ['br', 'gzip'] as const;
export type ContentEncoding = (typeof ENCODINGS)[number];

const EXTENSION: Record<ContentEncoding, string> = { br: '.br', gzip: '.gz' };
const DECOMPRESS: Record<ContentEncoding, (bytes: Buffer) => Buffer> = {
  br: (bytes) => brotliDecompressSync(bytes),
  gzip: (bytes) => gunzipSync(bytes),
};

/** A static file and its precompressed copies (absent when running from source). */
export interface StaticFile {
  path: string;
  encoded: Partial<Record<ContentEncoding, string>>;
}

/** The copies the build wrote beside a file: `<file>.br`, `<file>.gz`. */
export function withCopies(path: string, copiesOf = path): StaticFile {
  const encoded: StaticFile['encoded'] = {};
  for (const encoding of ENCODINGS) {
    if (existsSync(copiesOf + EXTENSION[encoding]))
      encoded[encoding] = copiesOf + EXTENSION[encoding];
  }
  return { path, encoded };
}

/**
 * The circuit files with the copies the API's build compressed (`widget/artifacts/`), each copy
 * checked to decompress to exactly the pinned file: browsers decompress before the prover
 * hashes, so a wrong copy would only show up as every proof failing.
 */
export function circuitFiles(
  files: Record<'wasm' | 'zkey', string>,
): Record<'wasm' | 'zkey', StaticFile> {
  const checked = (kind: 'wasm' | 'zkey') => {
    const file = withCopies(
      files[kind],
      join(__dirname, 'widget', 'artifacts', `semaphore-${TREE_DEPTH}.${kind}`),
    );
    for (const [encoding, path] of Object.entries(file.encoded) as [ContentEncoding, string][]) {
      const hash = createHash('sha256')
        .update(DECOMPRESS[encoding](readFileSync(path)))
        .digest('hex');
      if (hash !== ARTIFACT_HASHES[kind]) {
        throw new ArtifactMismatchError(
          `${path} decompresses to SHA-256 ${hash}, not the pinned one`,
        );
      }
    }
    return file;
  };
  return { wasm: checked('wasm'), zkey: checked('zkey') };
}

/** The best encoding of a file the client accepts (brotli first), or none. */
export function negotiatedEncoding(
  request: Request,
  file: StaticFile,
): ContentEncoding | undefined {
  // One encoding at a time: `acceptsEncodings` with several would follow the client's order,
  // and browsers list gzip before br.
  return ENCODINGS.find(
    (encoding) => file.encoded[encoding] && request.acceptsEncodings(encoding) === encoding,
  );
}

/**
 * What `sendFile` sets before it checks the request's preconditions and range, which an error
 * answer must not keep (a 416 labelled application/wasm, br-encoded and cacheable for a year).
 */
const FILE_HEADERS = [
  'Content-Type',
  'Content-Encoding',
  'Content-Length',
  'Cache-Control',
  'ETag',
  'Last-Modified',
  'Accept-Ranges',
];

/**
 * Sends a file's precompressed copy in the best encoding the client accepts (brotli, then gzip),
 * else the file itself; the compression middleware leaves an encoded answer alone. Caches keep
 * one copy per encoding (`Vary`). Fails with what to answer instead, for the exception filter:
 * a failed If-Match or If-Unmodified-Since (412), a range past the file's end (416, its size in
 * Content-Range), which `sendFile` would otherwise answer itself in its own shape and codes.
 */
export function sendStatic(
  request: Request,
  response: Response,
  file: StaticFile,
  headers: Record<string, string>,
): Promise<void> {
  const encoding = negotiatedEncoding(request, file);
  response.vary('Accept-Encoding');
  return new Promise((resolve, reject) => {
    response.sendFile(
      encoding ? (file.encoded[encoding] as string) : file.path,
      {
        headers: { ...headers, ...(encoding ? { 'Content-Encoding': encoding } : {}) },
        cacheControl: false,
      },
      (error?: Error & { status?: number }) => {
        if (!error) return resolve();
        // Failed while sending (the client went away): nothing else can be answered.
        if (response.headersSent) {
          response.destroy();
          return resolve();
        }
        for (const name of FILE_HEADERS) response.removeHeader(name);
        if (error.status === HttpStatus.PRECONDITION_FAILED) {
          return reject(ApiError.of('PRECONDITION_FAILED'));
        }
        if (error.status === HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE) {
          return reject(ApiError.of('RANGE_NOT_SATISFIABLE'));
        }
        reject(error);
      },
    );
  });
}
