import { getCommunity } from './instance';
import { type Follow, followedSealing, followKey, instanceOrigin, update } from './storage';

/**
 * The tag a community puts on its own pages to offer readers with the extension to follow it:
 * `<link rel="bridgenotes-community" href="https://notes.example.org/communities/city-news">`.
 */
export const LISTING_SELECTOR = 'link[rel~="bridgenotes-community" i][href]';

/**
 * Content script → background: a page lists a community (`offer`: what to offer the reader);
 * the reader clicked the offer (`open-offer`: the settings open with it filled in, and following
 * takes the reader's click there, where no page can hide or cover the button).
 */
export interface ListingMessage {
  type: 'offer' | 'open-offer';
  href: string;
}

/** The settings' address with the community of `href` filled in to follow. */
export const offerPage = (optionsUrl: string, href: string) =>
  `${optionsUrl}?${new URLSearchParams({ follow: href }).toString()}`;

/** The instance and community a listing's address names; null when it names none. */
export function listingOf(href: string): { instance: string; slug: string } | null {
  const instance = instanceOrigin(href);
  if (!instance) return null;
  const match = /^\/communities\/([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\/?$/.exec(
    new URL(href).pathname,
  );
  return match ? { instance, slug: match[1] } : null;
}

/** Follows a community, as its instance publishes it now (a second follow replaces the first). */
export async function followCommunity(instance: string, slug: string): Promise<Follow> {
  const community = await getCommunity(instance, slug.trim());
  const entry: Follow = {
    instance,
    slug: community.slug,
    id: community.id,
    name: community.name,
    scope: community.scope,
    admission: community.admission,
    sealing: followedSealing(community),
  };
  await update(({ follows }) => ({
    follows: [...follows.filter((other) => followKey(other) !== followKey(entry)), entry],
  }));
  return entry;
}

/**
 * What to offer the reader for a page's listing: null when it names nothing (or its instance does
 * not answer). The same whether or not the reader follows the community, and after the same
 * request to its instance: the page sees the offer appear (its host element, docs/extension.md,
 * "To the site"), so an offer left out for a followed community would tell any page, listing
 * whichever community it likes, which the reader follows. The settings the offer opens say so.
 */
export async function offerFor(
  href: string,
): Promise<{ name: string; host: string; href: string } | null> {
  const listing = listingOf(href);
  if (!listing) return null;
  const community = await getCommunity(listing.instance, listing.slug);
  return { name: community.name, host: new URL(listing.instance).host, href };
}
