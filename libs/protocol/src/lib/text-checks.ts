/**
 * Checks on free text shared by the server's edge and the clients (pure, no dependencies).
 *
 * Forbidden everywhere: U+0000 (PostgreSQL's text cannot hold it), Unicode's noncharacters
 * (U+FDD0–U+FDEF and the last two code points of every plane, never meant for interchange) and
 * lone surrogates (no code point at all; they would be stored as U+FFFD, so not what was sent).
 */
const FORBIDDEN = /[\0\p{Noncharacter_Code_Point}\p{Cs}]/u;

/** The first forbidden code point of `text`, or undefined when it has none. */
export function findForbiddenCharacter(text: string): number | undefined {
  const match = FORBIDDEN.exec(text);
  return match ? match[0].codePointAt(0) : undefined;
}

/** `U+200B`, the way Unicode names a code point. */
export function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/*
 * Code points that draw nothing although their category says letter or symbol: the
 * default-ignorable ones (zero-width space and joiners, the Hangul fillers, variation
 * selectors, tags…) and the blank Braille pattern, a favourite of "empty" spam.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/gu;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/**
 * Whether `text` has at least one character a reader would see: a letter, digit, punctuation
 * mark or symbol that is not default-ignorable. Spaces, controls, format characters and
 * combining marks alone do not count.
 */
export function hasVisibleCharacter(text: string): boolean {
  return VISIBLE.test(text.replace(INVISIBLE, ''));
}

/** Decimal text that fits a bigint column: 19 digits can still exceed one. */
export const isInt64Text = (text: string): boolean =>
  /^[0-9]{1,19}$/.test(text) && BigInt(text) <= 9_223_372_036_854_775_807n;
