import { MirrorPullError, type MirrorPuller } from '@bridgenotes/mirroring';
import { ExportReadError } from '@bridgenotes/open-data';
import { JobName, type QueuedJob } from '@bridgenotes/queue';
import { UnrecoverableError } from 'bullmq';

import { PullMirrorHandler } from './pull-mirror.handler';

const job = { data: { mirrorId: 'm1' } } as QueuedJob<JobName.PullMirror>;
const failingWith = (error: Error) =>
  new PullMirrorHandler({ pull: () => Promise.reject(error) } as unknown as MirrorPuller);

describe('PullMirrorHandler', () => {
  it.each([
    new ExportReadError('GET x: line 2 is over 1024 bytes', 'ORIGIN_RECORD_TOO_LARGE'),
    new ExportReadError('GET x: the response is over 2048 bytes', 'ORIGIN_RESPONSE_TOO_LARGE'),
    new MirrorPullError('ORIGIN_STREAM_TOO_LONG', 'x/results goes on past 10 records'),
    new MirrorPullError('ORIGIN_INVALID', 'x now serves another community'),
  ])(
    'leaves an origin over a size limit, or invalid, to the next periodic pull: %s',
    async (error) => {
      const failed = failingWith(error).handle(job);
      await expect(failed).rejects.toThrow(UnrecoverableError);
      await expect(failed).rejects.toThrow(`mirror m1: ${error.code}: ${error.message}`);
    },
  );

  it.each([
    new ExportReadError('GET x: nothing arrived for 100 ms', 'ORIGIN_STALLED'),
    new ExportReadError('GET x: not complete after 100 ms', 'ORIGIN_TOO_SLOW'),
    new ExportReadError('GET x failed: fetch failed', 'ORIGIN_UNREACHABLE'),
    new Error('the database is away'),
  ])('retries a pull that may go through soon: %s', async (error) => {
    await expect(failingWith(error).handle(job)).rejects.toBe(error);
  });
});
