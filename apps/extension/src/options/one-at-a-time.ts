/**
 * Actions that run one at a time each, named by a key (a community or an instance, and the
 * action), and the buttons that start them. The settings page redraws every button after any
 * action, so whether an action runs is kept here, beside the page, not in a button: a button
 * drawn while its action runs is drawn disabled, and the latest drawing is the one re-enabled
 * when it ends. Otherwise a redraw (another action finishing) would re-enable a running Join,
 * and a click there would start a second proof-of-work solve.
 */
export interface OneAtATime {
  /** Whether `key`'s action runs now. */
  running(key: string): boolean;
  /** Shows `key`'s state through `busy` from now on (instead of an earlier drawing), now too. */
  show(key: string, busy: (running: boolean) => void): void;
  /**
   * Runs `action` as `key`'s, unless it runs already (the call is then ignored), telling the
   * shown `busy` when it starts and ends, failed or not; a failure is passed on.
   */
  run(key: string, action: () => Promise<void>): Promise<void>;
}

export function oneAtATime(): OneAtATime {
  const runningNow = new Set<string>();
  const shown = new Map<string, (running: boolean) => void>();
  return {
    running: (key) => runningNow.has(key),
    show(key, busy) {
      shown.set(key, busy);
      busy(runningNow.has(key));
    },
    async run(key, action) {
      if (runningNow.has(key)) return;
      runningNow.add(key);
      shown.get(key)?.(true);
      try {
        await action();
      } finally {
        runningNow.delete(key);
        shown.get(key)?.(false);
      }
    },
  };
}
