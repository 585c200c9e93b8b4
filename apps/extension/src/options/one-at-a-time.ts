/**
 * `action`, run once at a time: a call while it runs is ignored, and `busy` is told when it starts
 * and when it ends, failed or not (so a button is disabled meanwhile: a double click on Join had
 * started a second proof-of-work solve).
 */
export function oneAtATime(
  action: () => Promise<void>,
  busy: (running: boolean) => void,
): () => Promise<void> {
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    busy(true);
    try {
      await action();
    } finally {
      running = false;
      busy(false);
    }
  };
}
