import type { ExportManifest, ExportPromotion } from '@bridgenotes/open-data';

import type { MirrorCursors, PulledThrough } from './mirror-state';
import { same } from './page-settlement';

/** What a mirror holds that an origin's manifest must continue. */
export interface HeldLineage {
  /** Where the mirror follows now: the base URL and the community's slug there. */
  origin: { url: string; community: string };
  cursors: MirrorCursors;
  pulledThrough: PulledThrough | null;
}

/** The group a mirror holds: its size now, and every root it has had at one size. */
export interface HeldGroup {
  size: number;
  rootsAt: (size: number) => Promise<readonly string[]>;
}

/** Why a manifest cannot be followed from what the mirror holds: its code, and the message. */
export interface LineageProblem {
  code: 'ORIGIN_LINEAGE_CHANGED' | 'ORIGIN_BEHIND';
  message: string;
}

/**
 * A promotion as a message names it: by its checked fields only (its time as read, its change
 * batch), never the instance it names (any text the origin chose), as a mirror's `lastError`,
 * which is public, quotes it.
 */
const described = (promotion: ExportPromotion | null) =>
  promotion
    ? `the promotion on ${new Date(Date.parse(promotion.at)).toISOString()} at change batch ${promotion.changeHorizon}`
    : 'no promotion';

/**
 * Whether a mirror can go on from a manifest (docs/verifiability.md, "Leaving an operator").
 * Its cursors are positions in the change feed and root rows of the instance it read them
 * from, and a promotion starts a numbering of its own (the promoted instance renumbers what it
 * took over), so the manifest's `promotion` says whose numbering is served:
 *
 * - the promotion the mirror's last complete pull read (none and none, or the same one): the
 *   same lineage, the mirror goes on;
 * - another promotion, or none where one was read: another instance, refused;
 * - a promotion first read now, at the location the mirror follows (`moved` false): the
 *   instance it follows, itself a mirror, was promoted since. Its numbering continues from
 *   what the mirror read only if the mirror read nothing past the promotion (its last complete
 *   pull's horizon at or below the promotion's `changeHorizon`, nothing stored since) and the
 *   promotion was not taken from the very origin the mirror follows (that instance mirrored
 *   the same origin: its numbering is not the one the mirror read). The group is checked
 *   against the promotion too (`groupProblem`). Anywhere else (`moved`: a follow re-pointed to
 *   another URL), a promotion the mirror never read is refused: nothing says the instance
 *   there is the one whose numbering the mirror holds.
 *
 * A mirror with no complete pull recorded with its lineage (none yet, or one from before pulls
 * kept it) goes on from any manifest at its location, as before.
 */
export function lineageProblem(
  held: HeldLineage,
  manifest: Pick<ExportManifest, 'changeHorizon' | 'promotion'>,
  moved: boolean,
): LineageProblem | undefined {
  const through = held.pulledThrough;
  const promotion = manifest.promotion ?? null;
  // No complete pull yet, or one recorded before pulls kept their lineage: nothing to compare,
  // but a promotion met at another URL is still nothing the mirror read.
  const read = through?.promotion;
  if (read === undefined) {
    return moved && promotion !== null
      ? changed(`it states ${described(promotion)}, which this mirror's pulls never read`)
      : undefined;
  }
  if (same(read, promotion)) return undefined;
  if (read !== null || moved) {
    return changed(
      `it states ${described(promotion)}, where this mirror's pulls read ${described(read)}: another instance, whose change feed this mirror's cursors are no positions in`,
    );
  }
  // The instance followed was promoted since the last complete pull.
  const taken = promotion as ExportPromotion;
  if (taken.from.url === held.origin.url && taken.from.community === held.origin.community) {
    return changed(
      `it states ${described(taken)}, the origin this mirror follows: another mirror of it, promoted, whose change feed this mirror's cursors are no positions in`,
    );
  }
  if (!same((through as PulledThrough).cursors, held.cursors)) {
    return changed(
      `it states ${described(taken)}, and this mirror stored pages after its last complete pull: what it read cannot be placed before the promotion`,
    );
  }
  const horizon = (through as PulledThrough).changeHorizon;
  if (BigInt(horizon) > BigInt(taken.changeHorizon)) {
    return changed(
      `it states ${described(taken)}, but this mirror had read every change below ${horizon} there: it read past the promotion without the manifest stating it`,
    );
  }
  return undefined;
}

/**
 * Whether a manifest (of the mirror's lineage) would take the mirror back: its `changeHorizon`
 * below the horizon of the last complete pull, or of a later pull that may have stored pages
 * (`reading`). Reading it would store nothing, then record the older horizon as complete, and
 * a promotion would state that horizon for a community holding changes past it.
 */
export function behindProblem(
  pulledThrough: Partial<PulledThrough> | null,
  manifest: Pick<ExportManifest, 'changeHorizon'>,
): LineageProblem | undefined {
  const read = [pulledThrough?.changeHorizon, pulledThrough?.reading]
    .filter((horizon): horizon is string => horizon !== undefined)
    .reduce((high, horizon) => (BigInt(horizon) > BigInt(high) ? horizon : high), '0');
  if (BigInt(manifest.changeHorizon) >= BigInt(read)) return undefined;
  return {
    code: 'ORIGIN_BEHIND',
    message: `its changeHorizon ${manifest.changeHorizon} is below ${read}, under which this mirror already read changes: an older export of the community, which would take the mirror back (follow the origin, or an export at least as recent)`,
  };
}

/**
 * A promotion first read (`lineageProblem`) against the group the mirror holds: when the
 * mirror's group reached the promotion's size, it had the promotion's root at that size; a
 * different root there is another history of the group.
 */
export async function groupProblem(
  promotion: ExportPromotion,
  group: HeldGroup,
): Promise<LineageProblem | undefined> {
  if (group.size < promotion.treeSize) return undefined;
  if ((await group.rootsAt(promotion.treeSize)).includes(promotion.root)) return undefined;
  return changed(
    `it states ${described(promotion)} at root ${promotion.root} of ${promotion.treeSize} members, which the group this mirror holds never had: another history of the group`,
  );
}

function changed(message: string): LineageProblem {
  return { code: 'ORIGIN_LINEAGE_CHANGED', message };
}
