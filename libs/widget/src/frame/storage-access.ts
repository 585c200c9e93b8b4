// Browsers that block third-party cookies give a frame embedded on another site no lasting
// storage (Chromium's default in incognito and headless, Safari's always), so the member's
// identity would be lost at each reload. The Storage Access API lets the member open the frame's
// own storage here, on a click, after saying why; where it is refused or missing, the identity
// backup is the way to keep it (docs/widget.md, "Privacy").
import { button, h } from './dom';
import { actionFeedback } from './feedback';
import { t } from './i18n';
import { lasting, useStorage } from './member-store';

/** `requestStorageAccess({ localStorage: true })` (Storage Access API beyond cookies). */
type StorageAccessDocument = Document & {
  requestStorageAccess(types: { localStorage: true }): Promise<{ localStorage: Storage }>;
};

const embedded = (): boolean => parent !== window && 'requestStorageAccess' in document;

const requestStorage = async (): Promise<void> =>
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

/** For a member whose identity would not outlast the page: why, and the way to keep it. */
export function storageOffer(onGranted: () => void): HTMLElement | null {
  if (lasting()) return null;
  if (!embedded()) return h('p', { class: 'storage' }, t('storageNone'));
  const feedback = actionFeedback();
  return h(
    'div',
    { class: 'storage' },
    h('p', {}, t('storageWhy')),
    button(t('storageAsk'), () => {
      // Called right in the click: browsers grant storage access only on a user gesture.
      requestStorage().then(onGranted, () => feedback.failed(t('storageRefused')));
    }),
    feedback.element,
  );
}
