import { oneAtATime } from './one-at-a-time';

/** An action that runs until `finish` is called (with an error to fail it). */
function pendingAction() {
  let finish: (error?: Error) => void = () => undefined;
  const action = jest.fn(
    () =>
      new Promise<void>((resolve, reject) => {
        finish = (error) => (error ? reject(error) : resolve());
      }),
  );
  return { action, finish: (error?: Error) => finish(error) };
}

describe('oneAtATime', () => {
  it('ignores a second call while the first runs, and says when it is busy', async () => {
    const { action, finish } = pendingAction();
    const busy = jest.fn();
    const run = oneAtATime(action, busy);
    const first = run();
    await run();
    expect(action).toHaveBeenCalledTimes(1);
    expect(busy.mock.calls).toEqual([[true]]);
    finish();
    await first;
    expect(busy.mock.calls).toEqual([[true], [false]]);
  });

  it('is free again after a failure, which it passes on', async () => {
    const { action, finish } = pendingAction();
    const busy = jest.fn();
    const run = oneAtATime(action, busy);
    const failed = run();
    finish(new Error('refused'));
    await expect(failed).rejects.toThrow('refused');
    expect(busy.mock.calls).toEqual([[true], [false]]);
    const second = run();
    expect(action).toHaveBeenCalledTimes(2);
    finish();
    await second;
  });
});
