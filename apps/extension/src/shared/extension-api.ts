/**
 * The few WebExtension APIs the extension uses, typed here rather than through a types package:
 * Chromium's `chrome.*` and Firefox's `browser.*` both return promises in Manifest V3.
 */
/** Who sent a runtime message: its tab, and the address of the frame it came from. */
export interface MessageSender {
  tab?: { id?: number };
  url?: string;
}

export interface ExtensionApi {
  runtime: {
    getURL(path: string): string;
    openOptionsPage(): Promise<void>;
    sendMessage(message: unknown): Promise<unknown>;
    onStartup: { addListener(listener: () => void): void };
    onMessage: {
      /** Answer with `respond` and return true: both browsers keep the channel open then. */
      addListener(
        listener: (
          message: unknown,
          sender: MessageSender,
          respond: (answer: unknown) => void,
        ) => boolean | undefined,
      ): void;
    };
  };
  storage: {
    local: {
      get(keys: string[]): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
      /**
       * Who may use the area besides the extension's pages: for `local`, Chromium 140 and later
       * only (Firefox takes it for `session` alone).
       */
      setAccessLevel?(options: { accessLevel: 'TRUSTED_CONTEXTS' }): Promise<void>;
    };
    /** Kept while the browser runs, never written to disk (Chromium 102+, Firefox 115+). */
    session?: {
      get(keys: string[]): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
      remove(keys: string[]): Promise<void>;
    };
    onChanged: {
      addListener(listener: (changes: Record<string, unknown>, area: string) => void): void;
    };
  };
  action?: {
    onClicked: { addListener(listener: (tab: { id?: number }) => void): void };
  };
  tabs?: {
    sendMessage(tabId: number, message: unknown): Promise<unknown>;
    /** Needs no permission: the extension opens its own pages. */
    create(properties: { url: string }): Promise<unknown>;
    onRemoved: { addListener(listener: (tabId: number) => void): void };
  };
}

const scope = globalThis as { browser?: ExtensionApi; chrome?: ExtensionApi };

/** Firefox's `browser`, else Chromium's `chrome`. */
export const ext: ExtensionApi = (scope.browser ?? scope.chrome) as ExtensionApi;
