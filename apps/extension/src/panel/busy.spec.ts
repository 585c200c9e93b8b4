import { whileBusy } from './busy';

/** A button and its form, as far as the busy state touches them. */
function target() {
  const attributes = new Map<string, string>();
  return {
    control: { disabled: false },
    region: { setAttribute: (name: string, value: string) => attributes.set(name, value) },
    busy: () => attributes.get('aria-busy'),
  };
}

describe('whileBusy', () => {
  it('disables the control and marks its region busy while the action runs, then re-enables it', async () => {
    const form = target();
    let finish: () => void = () => undefined;
    const running = whileBusy(form, () => new Promise<void>((resolve) => (finish = resolve)));
    expect(form.control.disabled).toBe(true);
    expect(form.busy()).toBe('true');
    // A second click meanwhile (the button not redrawn yet) starts nothing.
    const second = jest.fn(async () => undefined);
    await whileBusy(form, second);
    expect(second).not.toHaveBeenCalled();
    finish();
    await running;
    expect(form.control.disabled).toBe(false);
    expect(form.busy()).toBe('false');
  });

  it('re-enables the control when the action fails, and passes the failure on', async () => {
    const form = target();
    await expect(whileBusy(form, () => Promise.reject(new Error('offline')))).rejects.toThrow(
      'offline',
    );
    expect(form.control.disabled).toBe(false);
    expect(form.busy()).toBe('false');
  });
});
