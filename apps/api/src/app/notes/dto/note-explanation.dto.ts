import { ApiProperty } from '@nestjs/swagger';
import { NoteStatus } from '@bridgenotes/database';
import type { NoteExplanationResponse, ViewpointRatingsResponse } from '@bridgenotes/protocol';

/** One viewpoint's ratings of a note, as the scorer counted them. */
export class ViewpointRatingsDto implements ViewpointRatingsResponse {
  @ApiProperty({ example: 'One viewpoint', description: 'What to call this side to a reader' })
  label!: string;

  @ApiProperty({ example: 4, description: 'Ratings from members on this side' })
  ratings!: number;

  @ApiProperty({ example: 3 })
  helpful!: number;

  @ApiProperty({ example: 1 })
  somewhatHelpful!: number;

  @ApiProperty({ example: 0 })
  notHelpful!: number;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 0.875,
    description: 'Share of helpfulness (somewhat helpful counts half), null without ratings',
  })
  helpfulShare!: number | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 3,
    description:
      'More helpful ratings this side must give before the note can be shown as helpful: 0 when its side of the test passes, null when many more would be needed. Only for notes that need ratings.',
  })
  helpfulRatingsNeeded!: number | null;
}

/**
 * Why a note has its status, in words a reader can act on: what each viewpoint thought of it
 * and, for a note that needs ratings, what is missing. No internal field names.
 */
export class NoteExplanationDto implements NoteExplanationResponse {
  @ApiProperty({ example: 'Needs more ratings' })
  headline!: string;

  @ApiProperty({
    example:
      'It needs 3 more helpful ratings from members who usually see things differently from those who rated it so far.',
  })
  detail!: string;

  @ApiProperty({
    type: [ViewpointRatingsDto],
    description:
      'The two viewpoints among raters, as the scorer found them from how members rate; side by side',
  })
  viewpoints!: ViewpointRatingsDto[];

  @ApiProperty({
    example: 'Small-community scoring',
    description:
      'Which scoring decided: "Small-community scoring" (opinion groups, while the community is small) or "Bridging model" (Community Notes\' model)',
  })
  scoring!: string;
}

interface StoredSide {
  ratings?: number;
  raters?: number;
  helpful: number;
  somewhatHelpful: number;
  notHelpful: number;
}

interface StoredScore {
  decidedBy?: string;
  negativeFactorRaters?: StoredSide;
  positiveFactorRaters?: StoredSide;
  missing?: {
    regime: string;
    sides: [StoredSide, StoredSide];
    helpfulNeeded: [number | null, number | null];
    ratingsNeeded: number;
  };
}

const LABELS = ['One viewpoint', 'The other viewpoint'];
/** The Core's net-helpful minimum per side (§5.3 rule 13), for scores stored before `missing`. */
const CORE_MIN_NET_HELPFUL = 4;

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The explanation of a note's published status and score, or null before its first scoring. */
export function explanationOf(
  status: NoteStatus,
  score: unknown,
  misleading: boolean,
): NoteExplanationDto | null {
  if (score === null || typeof score !== 'object') return null;
  const stored = score as StoredScore;
  const missing = stored.missing ?? fromCoreSides(stored);
  if (!missing) return null;
  const needsRatings = status === NoteStatus.NEEDS_MORE_RATINGS;
  const viewpoints = missing.sides.map((side, index): ViewpointRatingsDto => {
    const ratings = side.ratings ?? side.raters ?? 0;
    return {
      label: LABELS[index] as string,
      ratings,
      helpful: side.helpful,
      somewhatHelpful: side.somewhatHelpful,
      notHelpful: side.notHelpful,
      helpfulShare: ratings > 0 ? (side.helpful + 0.5 * side.somewhatHelpful) / ratings : null,
      helpfulRatingsNeeded: needsRatings ? (missing.helpfulNeeded[index] ?? null) : 0,
    };
  });
  const scoring =
    missing.regime === 'small-community' ? 'Small-community scoring' : 'Bridging model';
  const shares = viewpoints
    .map((side) =>
      side.helpfulShare === null
        ? `nobody on ${side.label.toLowerCase()} has rated it`
        : `${Math.round(100 * side.helpfulShare)} % helpful on ${side.label.toLowerCase()} (${plural(side.ratings, 'rating')})`,
    )
    .join('; ');
  if (status === NoteStatus.CURRENTLY_RATED_HELPFUL) {
    return {
      headline: 'Rated helpful by people who usually disagree',
      detail: `Members on both viewpoints found it helpful: ${shares}.`,
      viewpoints,
      scoring,
    };
  }
  if (status === NoteStatus.CURRENTLY_RATED_NOT_HELPFUL) {
    return {
      headline: 'Rated not helpful',
      detail: `Members on both viewpoints found it not helpful: ${shares}.`,
      viewpoints,
      scoring,
    };
  }
  return {
    headline: 'Needs more ratings',
    detail: `${
      misleading
        ? whatIsMissing(missing.ratingsNeeded, viewpoints, stored.decidedBy)
        : 'A note saying the post is not misleading is never shown as helpful; it stays here unless rated not helpful.'
    } So far: ${shares}.`,
    viewpoints,
    scoring,
  };
}

/** The sentence naming what a note that needs ratings is missing. */
function whatIsMissing(
  ratingsNeeded: number,
  viewpoints: ViewpointRatingsDto[],
  decidedBy: string | undefined,
): string {
  if (decidedBy === 'NmrDueToMinStableCrhTime') {
    return 'Its ratings are enough to show it as helpful; it is held back for up to an hour to check that the verdict is stable.';
  }
  if (decidedBy === 'TopicModel') {
    // A topic's own model vetoed it (§8.6): the community's ratings would show it.
    return "The community's ratings lean helpful, but the members who follow its topic closely do not agree yet; it needs their agreement too.";
  }
  if (ratingsNeeded > 0) {
    return `It needs ${plural(ratingsNeeded, 'more rating')} before it can be scored.`;
  }
  const [one, other] = viewpoints as [ViewpointRatingsDto, ViewpointRatingsDto];
  const needOne = one.helpfulRatingsNeeded;
  const needOther = other.helpfulRatingsNeeded;
  const many = 'many more helpful ratings';
  if (needOne === 0 && needOther === 0) {
    // Each viewpoint's test passes; the overall score is not yet high enough.
    return 'Both viewpoints lean helpful, but not yet clearly enough: it needs more helpful ratings from either.';
  }
  if (needOne === 0 || needOther === 0) {
    const lacking = needOne === 0 ? other : one;
    const count = lacking.helpfulRatingsNeeded;
    const amount = count === null ? many : plural(count, 'more helpful rating');
    return lacking.ratings === 0
      ? `It needs ${amount} from members who usually see things differently from those who rated it so far.`
      : `It needs ${amount} from ${lacking.label.toLowerCase()}, where members have not found it helpful enough yet.`;
  }
  const amount = (count: number | null) => (count === null ? 'many more' : `${count} more`);
  return `It needs helpful ratings from both viewpoints: ${amount(needOne)} from one and ${amount(needOther)} from the other.`;
}

/** Scores published before the explanation existed: the Core's side tallies and its minimum. */
function fromCoreSides(stored: StoredScore): StoredScore['missing'] | undefined {
  const { negativeFactorRaters: one, positiveFactorRaters: other } = stored;
  if (!one || !other) return undefined;
  const needed = (side: StoredSide) =>
    Math.max(0, CORE_MIN_NET_HELPFUL - (side.helpful - side.notHelpful));
  return {
    regime: 'core',
    sides: [one, other],
    helpfulNeeded: [needed(one), needed(other)],
    ratingsNeeded: 0,
  };
}
