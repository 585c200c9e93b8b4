import { JOB_QUEUE, JobName } from './jobs';
import { QueueName } from './queue-names';

describe('job registry', () => {
  it('assigns every job to a known queue', () => {
    for (const name of Object.values(JobName)) {
      expect(Object.values(QueueName)).toContain(JOB_QUEUE[name]);
    }
  });
});
