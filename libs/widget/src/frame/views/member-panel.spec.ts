// The member panel's Create and the storage offer's grant, on a stand-in for the few DOM parts
// they touch (the unit tests have no browser): a button's click runs its listeners only while it
// is enabled, as browsers do.
import type { FrameContext, Outcome } from '../context';
import { EN } from '../i18n/en';
import { useStorage } from '../member-store';
import { storageOffer } from '../storage-access';

class StandIn {
  readonly attributes = new Map<string, string>();
  readonly children: (StandIn | string)[] = [];
  readonly dataset: Record<string, string> = {};
  readonly classList = new Set<string>();
  readonly listeners: (() => void)[] = [];
  hidden = false;
  disabled = false;
  value = '';
  constructor(readonly tagName: string) {}
  get id(): string {
    return this.attributes.get('id') ?? '';
  }
  get textContent(): string {
    return this.children
      .map((child) => (typeof child === 'string' ? child : child.textContent))
      .join('');
  }
  set textContent(text: string) {
    this.children.splice(0, this.children.length, text);
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  append(...children: (StandIn | string)[]): void {
    this.children.push(...children);
  }
  addEventListener(_type: string, listener: () => void): void {
    this.listeners.push(listener);
  }
  click(): void {
    if (!this.disabled) for (const listener of this.listeners) listener();
  }
  closest(): null {
    return null;
  }
  /** The button saying `text`, under this element. */
  button(text: string): StandIn {
    for (const child of this.children) {
      if (typeof child === 'string') continue;
      if (child.tagName === 'BUTTON' && child.textContent === text) return child;
      const found = child.buttonOrNull(text);
      if (found) return found;
    }
    throw new Error(`no button “${text}”`);
  }
  /** The first text area under this element. */
  textarea(): StandIn {
    const all = (element: StandIn): StandIn[] =>
      element.children.flatMap((child) =>
        typeof child === 'string' ? [] : [child, ...all(child)],
      );
    const found = all(this).find((element) => element.tagName === 'TEXTAREA');
    if (!found) throw new Error('no text area');
    return found;
  }
  buttonOrNull(text: string): StandIn | null {
    try {
      return this.button(text);
    } catch {
      return null;
    }
  }
}

jest.mock('../dom', () => ({
  ...jest.requireActual<object>('../dom'),
  focusHere: jest.fn(),
  focusStillIn: () => false,
}));
jest.mock('../prover-client', () => ({ prover: jest.fn() }));
// Restored: not found in the group (no network here); Join is offered.
jest.mock('../membership', () => ({
  ...jest.requireActual<object>('../membership'),
  inPublishedGroup: async () => false,
}));
jest.mock('../member-store', () => ({
  ...jest.requireActual<object>('../member-store'),
  lasting: () => false,
  twoIdentities: () => null,
  useStorage: jest.fn(),
}));

const storageMock = jest.mocked(useStorage);

beforeAll(() => {
  const storageAccess = async () => ({ localStorage: {} });
  Object.assign(globalThis, {
    document: {
      createElement: (tag: string) => new StandIn(tag.toUpperCase()),
      requestStorageAccess: storageAccess,
    },
    // A frame on another site's page.
    window: {},
    parent: {},
  });
});

/**
 * A member panel of `community` with no identity yet, from modules afresh (the identity is the
 * site's, kept for every community, in memory here): the prover answers once `answer` is called.
 */
async function panelWithoutIdentity(community: string) {
  jest.resetModules();
  const [{ memberPanel }, { MemberStore }, { prover }] = await Promise.all([
    import('./member-panel'),
    import('../member-store'),
    import('../prover-client'),
  ]);
  const proverMock = jest.mocked(prover);
  let answer: (answered: { backup?: string; commitment: string }) => void = () => undefined;
  proverMock.mockImplementation(
    () =>
      new Promise((resolve) => {
        answer = (answered) => resolve({ id: 1, ok: true, ...answered });
      }),
  );
  const store = new MemberStore(community);
  const context = { store, community: { name: community, admission: 'OPEN' } };
  const outcomes: (Outcome | undefined)[] = [];
  const panel = memberPanel(context as unknown as FrameContext, (outcome) =>
    outcomes.push(outcome),
  ) as unknown as StandIn;
  return {
    panel,
    store,
    outcomes,
    proverMock,
    answer: (a: Parameters<typeof answer>[0]) => answer(a),
  };
}

/** Settles what the clicks started (the prover's answers are already there). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Restore from a backup', () => {
  it('is busy while the prover reads it: a double click restores once, and no other tab is named', async () => {
    const { panel, store, outcomes, proverMock, answer } = await panelWithoutIdentity('village');
    const backup = btoa(String.fromCharCode(...new Array<number>(32).fill(7)));
    const pasted = panel.textarea();
    pasted.value = backup;

    const restore = panel.button(EN.restoreButton);
    restore.click();
    restore.click();
    expect(restore.disabled).toBe(true);
    answer({ commitment: '222' });
    await settled();

    expect(proverMock).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([{ message: EN.restored }]);
    expect(store.identity).toBe(backup);
  });
});

describe('Create an identity', () => {
  it('is busy while the prover makes it: a double click makes one, and no other tab is named', async () => {
    const { panel, store, outcomes, proverMock, answer } = await panelWithoutIdentity('town');

    const create = panel.button(EN.createIdentity);
    create.click();
    create.click();
    expect(create.disabled).toBe(true);
    expect(panel.textContent).toContain(EN.creatingIdentity);
    answer({ backup: 'backup-a', commitment: '111' });
    await settled();

    expect(proverMock).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([{ message: EN.created }]);
    expect(store.identity).toBe('backup-a');
  });
});

describe('the storage offer', () => {
  it('gives the member’s click an outcome once granted: said, and the focus on the heading', async () => {
    storageMock.mockReturnValue('moved');
    const outcomes: (Outcome | undefined)[] = [];
    const offer = storageOffer('backup-a', (outcome) => outcomes.push(outcome));
    (offer as unknown as StandIn).button(EN.storageAsk).click();
    await settled();
    expect(outcomes).toEqual([{ message: EN.storageGranted }]);
  });
});
