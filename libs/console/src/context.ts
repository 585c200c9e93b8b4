import type { ProofMinimum } from './proof-min-members';

export interface Community extends ProofMinimum {
  slug: string;
  name: string;
  admission: string;
  treeSize: number;
  embedOrigins: string[];
}

/** What every view gets from the shell. */
export interface Context {
  communities: Community[];
  /** The community the views work on (a moderator's is fixed by their key). */
  community: Community | undefined;
  /**
   * Runs an action, then announces its outcome (or the API's refusal with its code); `done` as a
   * function is read once the action has ended, for an outcome that only the answer tells.
   */
  act(done: string | (() => string), action: () => Promise<void>): Promise<void>;
  /** A read whose refusal is announced; undefined then. */
  load<T>(read: () => Promise<T>): Promise<T | undefined>;
  /**
   * Reloads the communities and redraws, on `slug` when given. A failure is announced, never
   * thrown: in an action, the action was done and `act` says so, with the reload's failure.
   * Keyboard focus goes to the element with the id `focus` (what the action changed), or the
   * view's heading without one: never back to the top of the page.
   */
  reload(slug?: string, focus?: string): Promise<void>;
}
