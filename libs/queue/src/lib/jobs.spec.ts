import { Environment } from '@bridgenotes/config';

import { JobName, JOBS } from './jobs';

describe('the job catalogue', () => {
  // What every worker schedules (`JobProducer.applySchedules`). Checked here rather than on a
  // booted test worker, which runs with the rescoring off: at hh:00 UTC it would add runs beside
  // the ones a test counts.
  it('rescores every community in full hourly by default, on the hour (UTC), and not when off', () => {
    const { schedule } = JOBS[JobName.RescoreAll];
    expect(schedule?.(new Environment())).toEqual({ pattern: '0 * * * *', tz: 'UTC' });
    expect(schedule?.(Object.assign(new Environment(), { SCORING_CRON: '30 2 * * *' }))).toEqual({
      pattern: '30 2 * * *',
      tz: 'UTC',
    });
    expect(schedule?.(Object.assign(new Environment(), { SCORING_CRON: 'off' }))).toBeUndefined();
  });
});
