import { writeWaitKey } from './write-wait-key';

describe('the wording of a write’s outcome', () => {
  it('says it done only where every write is sealed in its request, else the longest wait', () => {
    expect(writeWaitKey('noted', { sealing: { maxWaitSeconds: 0 } })).toEqual({
      key: 'noted',
      hours: '',
    });
    // An older instance, which said no wait, sealed in the request.
    expect(writeWaitKey('noted', {})).toEqual({ key: 'noted', hours: '' });
    expect(writeWaitKey('rated', { sealing: { maxWaitSeconds: null } })).toEqual({
      key: 'ratedBatchNoTimeBound',
      hours: '',
    });
    expect(writeWaitKey('rated', { sealing: { maxWaitSeconds: 3600 } })).toEqual({
      key: 'ratedBatchWithinHour',
      hours: 1,
    });
    // The defaults: a 60 s window, 6 h at most.
    expect(writeWaitKey('noted', { sealing: { maxWaitSeconds: 21_660 } })).toEqual({
      key: 'notedBatchWithinHours',
      hours: 6,
    });
  });
});
