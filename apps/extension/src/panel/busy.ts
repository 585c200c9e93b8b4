// A member's action takes seconds (the proof is made in the extension's prover, then sent): its
// button is disabled and its form marked busy meanwhile, as in the widget, so a second click
// never proves and sends it twice; both come back when it ends, failed or not.

/** The button that starts an action, and the form (or group) it belongs to. */
export interface BusyTarget {
  control: { disabled: boolean };
  region: { setAttribute(name: string, value: string): void };
}

/** Runs `action` with `target` busy; ignored while `target` is busy already. */
export async function whileBusy(target: BusyTarget, action: () => Promise<void>): Promise<void> {
  if (target.control.disabled) return;
  const mark = (busy: boolean) => {
    target.control.disabled = busy;
    target.region.setAttribute('aria-busy', String(busy));
  };
  mark(true);
  try {
    await action();
  } finally {
    mark(false);
  }
}
