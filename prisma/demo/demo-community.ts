// The demo community's content: who its members are, what they wrote and how they rated it.
// Pure data, apart from the proofs and the database (seed-demo.ts makes and stores them).
//
// Ten members in two camps that disagree on two partisan notes give the small-community regime
// its two opinion groups; then one note both camps find helpful (the scorer shows it helpful),
// one both find not helpful, and one only one camp has rated yet (it needs ratings from the
// other). Two more members only write. Nothing here is a status: the scorer decides them.

export type DemoHelpfulness = 'HELPFUL' | 'SOMEWHAT_HELPFUL' | 'NOT_HELPFUL';

export interface DemoNote {
  key: string;
  author: string;
  post: { url: string } | { platform: string; externalId: string };
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING' | 'NOT_MISLEADING';
  reasons: string[];
  text: string;
  sources: string[];
  /** Minutes after the demo's start. */
  minute: number;
  ratings: { rater: string; helpfulness: DemoHelpfulness; tags: string[]; minute: number }[];
}

export const DEMO_SLUG = 'demo';
/**
 * The demo community's id, the same on every install: its scope, and with it every member's
 * pseudonym, derive from it, and the scorer orders raters by pseudonym (a drawn id gave each
 * install other pseudonyms, in another order, and so other starting values for the scorer).
 */
export const DEMO_COMMUNITY_ID = 'de000000-0000-4000-8000-000000000000';

/**
 * The demo's own minimum anonymity set of proofs (communities.proof_min_members), instead of the
 * instance's PROOF_MIN_MEMBERS (20 by default): its twelve members' identities are derived from
 * names published in this file, so hiding among them hides nothing, and a visitor who joins at
 * /demo can write with 13 members. Every other community of the instance keeps the instance's.
 */
export const DEMO_PROOF_MIN_MEMBERS = 1;

/** What the demo community says of itself: what it is for, and that it is not anonymous. */
export const DEMO_DESCRIPTION =
  "Example members, notes and ratings with real proofs, seeded on first start and scored by the scorer. Safe to delete. The demo's members are public (their identities are derived from names in Bridgenotes' source) and it accepts proofs from a group of any size, so writing, rating or reporting here is for trying Bridgenotes and is not anonymous.";

/** Camp A and camp B members rate; the writers write. Each is a seeded identity (see seed). */
export const CAMP_A = ['ada', 'ben', 'cleo', 'dev', 'eli'];
export const CAMP_B = ['fay', 'gus', 'hana', 'ivo', 'jun'];
export const WRITERS = ['kai', 'lou'];
export const DEMO_MEMBERS = [...CAMP_A, ...CAMP_B, ...WRITERS];

const helpful = (raters: string[], tags: string[], minute: number) =>
  raters.map((rater, index) => ({
    rater,
    helpfulness: 'HELPFUL' as const,
    tags,
    minute: minute + index,
  }));
const notHelpful = (raters: string[], tags: string[], minute: number) =>
  raters.map((rater, index) => ({
    rater,
    helpfulness: 'NOT_HELPFUL' as const,
    tags,
    minute: minute + index,
  }));

export const DEMO_NOTES: DemoNote[] = [
  {
    key: 'partisan-a',
    author: 'kai',
    post: { url: 'https://example.com/opinion/2026/11/bus-lanes-are-a-success' },
    classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    reasons: ['MISSING_IMPORTANT_CONTEXT'],
    text: 'Ridership on the new bus lanes rose, but so did it on every line this year; the article leaves that out.',
    sources: ['https://example.org/transit/ridership-2026'],
    minute: 0,
    ratings: [
      ...helpful(CAMP_A, ['IMPORTANT_CONTEXT'], 20),
      ...notHelpful(CAMP_B, ['OPINION_SPECULATION'], 30),
    ],
  },
  {
    key: 'partisan-b',
    author: 'lou',
    post: { url: 'https://example.com/news/2026/11/council-budget-vote' },
    classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    reasons: ['MISSING_IMPORTANT_CONTEXT'],
    text: 'The council raised spending mostly on roads; the headline makes it sound like it went to admin.',
    sources: ['https://example.org/council/budget-2027'],
    minute: 5,
    ratings: [
      ...notHelpful(CAMP_A, ['ARGUMENTATIVE_OR_BIASED'], 40),
      ...helpful(CAMP_B, ['IMPORTANT_CONTEXT'], 50),
    ],
  },
  {
    key: 'helpful',
    author: 'kai',
    post: { url: 'https://example.com/news/2026/11/city-bridge-closed' },
    classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    reasons: ['MISSING_IMPORTANT_CONTEXT'],
    text: 'The bridge is closed to cars only; the footpath stays open during the repairs, per the city notice.',
    sources: ['https://example.org/city/notices/bridge-repairs'],
    minute: 60,
    ratings: [
      ...helpful(['ada', 'ben', 'cleo', 'dev'], ['CLEAR', 'GOOD_SOURCES'], 80),
      ...helpful(['fay', 'gus', 'hana', 'ivo'], ['CLEAR', 'GOOD_SOURCES'], 90),
    ],
  },
  {
    key: 'not-helpful',
    author: 'lou',
    post: { platform: 'mastodon', externalId: '113456789012345678' },
    classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    reasons: ['FACTUAL_ERROR'],
    text: 'Everyone knows this figure is made up.',
    sources: [],
    minute: 65,
    ratings: [
      ...notHelpful(
        ['ben', 'cleo', 'dev', 'eli'],
        ['SOURCES_MISSING_OR_UNRELIABLE', 'OPINION_SPECULATION'],
        100,
      ),
      ...notHelpful(
        ['gus', 'hana', 'ivo', 'jun'],
        ['SOURCES_MISSING_OR_UNRELIABLE', 'OPINION_SPECULATION'],
        110,
      ),
    ],
  },
  {
    key: 'needs-ratings',
    author: 'kai',
    post: { platform: 'mastodon', externalId: '113456789099999999' },
    classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    reasons: ['FACTUAL_ERROR', 'UNVERIFIED_CLAIM_AS_FACT'],
    text: 'The quoted figure is from 2019; the 2026 report gives a third of it.',
    sources: ['https://example.org/reports/2026-annual'],
    minute: 70,
    ratings: helpful(['cleo', 'dev', 'eli'], ['GOOD_SOURCES', 'INFORMATIVE'], 120),
  },
];
