import { get, IncomingHttpHeaders } from 'node:http';

import { eventually } from '@bridgenotes/testing';

/**
 * One JSON call to a running API: throws on any status from 300 up, naming the call and the
 * answer; the parsed body otherwise. `operatorKey` sends it as the operator's bearer key.
 */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  operatorKey?: string,
) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      // A proof blocks this process's event loop for seconds (longer under load): a pooled
      // connection the API closed meanwhile would be reused before its closing is seen, and
      // the request fail with "other side closed". One connection per call avoids it.
      connection: 'close',
      ...(operatorKey ? { authorization: `Bearer ${operatorKey}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A GET with exactly this Accept-Encoding, the body as it came over the wire (not decoded). */
export function rawGet(
  url: string,
  acceptEncoding?: string,
): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(
      url,
      { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', reject);
      },
    ).on('error', reject);
  });
}

/**
 * Waits until the API at `baseUrl` answers /ready with 200. Each probe has a connection of its
 * own, like `callApi`: a keep-alive connection left in fetch's pool would be closed by the API
 * after its keep-alive timeout (5 s), and the test's next call could take it, the closing unseen
 * while the test's event loop was busy (building a community, a proof), and fail with "other
 * side closed".
 */
export function untilReady(baseUrl: string): Promise<void> {
  return eventually(async () => {
    const response = await fetch(`${baseUrl}/ready`, { headers: { connection: 'close' } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`/ready answered ${response.status}`);
  });
}
