// Browsers that block third-party cookies give a frame embedded on another site no lasting
// storage (Chromium's default in incognito and headless, Safari's always), so the member's
// identity would be lost at each reload. The Storage Access API lets the member open the frame's
// own storage here, on a click, after saying why; where it is refused or missing, the identity
// backup is the way to keep it (docs/widget.md, "Privacy"). A storage that opens with another
// identity in it (an earlier visit's, the service's own pages') replaces neither identity
// silently (member-store.ts, `useStorage`).
import type { Outcome } from './context';
import { button, h } from './dom';
import { actionFeedback } from './feedback';
import { t } from './i18n';
import {
  lasting,
  type StorageMove,
  twoIdentities,
  useDeviceIdentity,
  useStorage,
} from './member-store';
import { backupControl, communitiesNamed } from './views/backup';

/** `requestStorageAccess({ localStorage: true })` (Storage Access API beyond cookies). */
type StorageAccessDocument = Document & {
  requestStorageAccess(types: { localStorage: true }): Promise<{ localStorage: Storage }>;
};

const embedded = (): boolean => parent !== window && 'requestStorageAccess' in document;

const requestStorage = async (): Promise<StorageMove> =>
  useStorage(
    (await (document as StorageAccessDocument).requestStorageAccess({ localStorage: true }))
      .localStorage,
  );

/** At start: a member who allowed it on an earlier visit gets the storage back without a click. */
export async function regainStorage(): Promise<void> {
  if (lasting() || !embedded()) return;
  try {
    const permission = await navigator.permissions.query({
      name: 'storage-access' as PermissionName,
    });
    if (permission.state === 'granted') await requestStorage();
  } catch {
    // Not granted after all: the frame keeps to memory and offers the choice again.
  }
}

/**
 * For a member whose identity would not outlast the page: why, and the way to keep it; where
 * the storage opened keeps another identity, both (see `twoIdentities`). `backup`: the identity
 * in use; `onGranted` renders the member's area anew, saying `outcome` when there is one.
 */
export function storageOffer(
  backup: string,
  onGranted: (outcome?: Outcome) => void,
): HTMLElement | null {
  if (lasting()) return null;
  const two = twoIdentities();
  if (two) return twoIdentitiesChoice(backup, two, onGranted);
  if (!embedded()) return h('p', { class: 'storage' }, t('storageNone'));
  const feedback = actionFeedback();
  // The member's click: the button goes with the offer, so the focus goes to the panel's heading
  // and the live region says what the browser allowed, not lost to the page without a word.
  const granted = (move: StorageMove): void => {
    const message =
      move === 'moved'
        ? t('storageGranted')
        : move === 'two'
          ? t('storageTwoIdentitiesShort')
          : t('storageDeviceIdentity');
    onGranted({ message });
  };
  return h(
    'div',
    { class: 'storage' },
    h('p', {}, t('storageWhy')),
    button(t('storageAsk'), () => {
      // Called right in the click: browsers grant storage access only on a user gesture.
      requestStorage().then(granted, () => feedback.failed(t('storageRefused')));
    }),
    feedback.element,
  );
}

/**
 * The storage opened keeps another identity, and the one in use has standing here: both are
 * named with their communities, the one in use stays (in memory), its backup offered; the one
 * on the device is used only on the member's click, offered once that backup was shown.
 */
function twoIdentitiesChoice(
  backup: string,
  two: NonNullable<ReturnType<typeof twoIdentities>>,
  onGranted: (outcome?: Outcome) => void,
): HTMLElement {
  const memberOf = (held: typeof two.page) =>
    held.length > 0
      ? t('memberOfList', { communities: communitiesNamed(held) })
      : t('storageDeviceNone');
  const use = button(t('storageUseDevice'), () => {
    useDeviceIdentity();
    onGranted({ message: t('identityChangedHere') });
  });
  use.hidden = true;
  return h(
    'div',
    { class: 'storage two-identities' },
    h(
      'p',
      {},
      t('storageTwoIdentities', { device: memberOf(two.device), page: memberOf(two.page) }),
    ),
    ...backupControl(backup, () => {
      use.hidden = false;
    }),
    use,
  );
}
