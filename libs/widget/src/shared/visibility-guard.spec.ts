import { dialogAnswer, guardWrites } from './visibility-guard';

// What the browser's confirmation lets through, by its answer and how soon it came: pure timing
// logic (the dialog itself is driven in the browser tests, widget-click-guard.e2e.spec.ts).
describe('the confirmation asked where the button was not seen', () => {
  it('lets a write through when confirmed after the question could be read', () => {
    expect(dialogAnswer(true, 500)).toBeNull();
    expect(dialogAnswer(true, 4000)).toBeNull();
  });

  it('takes a confirmation sooner than a reading as none: a key the page steered', () => {
    expect(dialogAnswer(true, 0)).toBe('NOT_CONFIRMED');
    expect(dialogAnswer(true, 499)).toBe('NOT_CONFIRMED');
  });

  it('tells a refusal from a dialog the browser never showed', () => {
    expect(dialogAnswer(false, 800)).toBe('NOT_CONFIRMED');
    expect(dialogAnswer(false, 49)).toBe('PANEL_HIDDEN');
  });
});

describe('guardWrites', () => {
  const realListen = globalThis.addEventListener;
  afterEach(() => {
    Object.assign(globalThis, { addEventListener: realListen });
  });

  it('watches a root once, however often it is called (a panel run again at each navigation)', () => {
    const listen = jest.fn();
    Object.assign(globalThis, { addEventListener: listen });
    const root = {} as HTMLElement;
    guardWrites(root);
    guardWrites(root);
    guardWrites(root);
    // A click and a key press, each listened to once: no browser here to watch buttons in.
    expect(listen.mock.calls.map(([type]) => type)).toEqual(['click', 'keydown']);
  });
});
