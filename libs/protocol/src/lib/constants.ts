/** Every proof in every community is made at this depth; any other depth is refused. */
export const TREE_DEPTH = 20;

/**
 * The largest minimum anonymity set a community may set (`proofMinMembers`): a full tree of
 * TREE_DEPTH holds no more members, so a larger one could never be met.
 */
export const MAX_PROOF_MIN_MEMBERS = 2 ** TREE_DEPTH;

/** How far a client's clock may be from the server's, in minutes, for its proof to count. */
export const CLOCK_SKEW_MINUTES = 10;

/**
 * The longest root history window an instance may run or a mirror accept from its origin (30
 * days): each community keeps the widest it was ever run with, for good, and a mirror the widest
 * its origin stated, so one mistyped or hostile value must not widen them without bound (and it
 * must fit the column that keeps it).
 */
export const MAX_ROOT_HISTORY_WINDOW_SECONDS = 30 * 24 * 60 * 60;

export const SCOPE_DOMAIN = 'bridgenotes/v1/scope:';
export const ACTION_DOMAIN = 'bridgenotes/v1/action';

/** Order of BN254's scalar field: roots and nullifiers are field elements below it. */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Order of BN254's base field: proof point coordinates below it are the only canonical ones. */
export const SNARK_BASE_FIELD =
  21888242871839275222246405745257275088696311157297823662689037894645226208583n;
