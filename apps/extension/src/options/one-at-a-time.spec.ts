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
  it('ignores a second call of a key while its action runs, and says when it is busy', async () => {
    const { action, finish } = pendingAction();
    const actions = oneAtATime();
    const busy = jest.fn();
    actions.show('join A', busy);
    const first = actions.run('join A', action);
    await actions.run('join A', action);
    expect(action).toHaveBeenCalledTimes(1);
    expect(actions.running('join A')).toBe(true);
    expect(busy.mock.calls).toEqual([[false], [true]]);
    finish();
    await first;
    expect(actions.running('join A')).toBe(false);
    expect(busy.mock.calls).toEqual([[false], [true], [false]]);
  });

  it('keeps a running action busy in a button drawn again meanwhile, which it frees at the end', async () => {
    const { action, finish } = pendingAction();
    const actions = oneAtATime();
    const before = jest.fn();
    actions.show('join A', before);
    const first = actions.run('join A', action);
    // Another action's redraw draws every button again, this one too.
    const redrawn = jest.fn();
    actions.show('join A', redrawn);
    expect(redrawn.mock.calls).toEqual([[true]]);
    await actions.run('join A', action);
    expect(action).toHaveBeenCalledTimes(1);
    finish();
    await first;
    expect(redrawn.mock.calls).toEqual([[true], [false]]);
    // The detached drawing is not told the end.
    expect(before.mock.calls).toEqual([[false], [true]]);
  });

  it('runs different keys side by side', async () => {
    const join = pendingAction();
    const check = pendingAction();
    const actions = oneAtATime();
    const joining = actions.run('join A', join.action);
    const checking = actions.run('check B', check.action);
    expect(join.action).toHaveBeenCalledTimes(1);
    expect(check.action).toHaveBeenCalledTimes(1);
    join.finish();
    check.finish();
    await Promise.all([joining, checking]);
  });

  it('is free again after a failure, which it passes on', async () => {
    const { action, finish } = pendingAction();
    const actions = oneAtATime();
    const busy = jest.fn();
    actions.show('join A', busy);
    const failed = actions.run('join A', action);
    finish(new Error('refused'));
    await expect(failed).rejects.toThrow('refused');
    expect(busy.mock.calls).toEqual([[false], [true], [false]]);
    const second = actions.run('join A', action);
    expect(action).toHaveBeenCalledTimes(2);
    finish();
    await second;
  });
});
