import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { AdmissionPolicy } from '@bridgenotes/database';
import { MAX_JOIN_WORK_DIFFICULTY, MAX_PROOF_MIN_MEMBERS } from '@bridgenotes/protocol';
import {
  MAX_TERM_LENGTH,
  MAX_TERMS_PER_TOPIC,
  MAX_TOPICS,
  TOPIC_NAME_PATTERN,
} from '@bridgenotes/scoring';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { SLUG_PATTERN } from '../../common/slug';
import { CharLength } from '../../common/char-length';
import { OptionalNotNull } from '../../common/optional-not-null';

/** libs/scoring `TopicSeed`: literal terms with only `\b`, `\s+` and `\.` as escapes. */
const SEED_TERM_PATTERN = /^(?:[^\\]|\\b|\\s\+|\\\.)+$/;

/** One topic (§8.6 of the reference) and the seed terms that label a post with it. */
export class TopicSeedDto {
  @ApiProperty({ example: 'Elections', pattern: TOPIC_NAME_PATTERN.source })
  @IsString({ message: 'topic must be text' })
  @Matches(TOPIC_NAME_PATTERN, {
    message: 'topic must be 1 to 40 letters, digits, _ or -',
  })
  topic!: string;

  @ApiProperty({
    type: [String],
    example: ['ballot', '\\bvote\\b', 'polling\\s+station'],
    description:
      "Terms matched case-insensitively in the text of all notes on a post, from the start of a word (after whitespace or at the start) unless the term begins with \\b or \\s+ or holds \\.; literal text except \\b (word boundary), \\s+ (whitespace run) and \\. (a dot). As in Community Notes, a classifier trained on the posts' labels (their other words) then extends each topic to posts with its vocabulary",
  })
  @IsArray({ message: 'terms must be a list' })
  @ArrayMinSize(1, { message: 'terms must hold at least one term' })
  @ArrayMaxSize(MAX_TERMS_PER_TOPIC, {
    message: `terms must hold at most ${MAX_TERMS_PER_TOPIC} terms`,
  })
  @IsString({ each: true, message: 'each term must be text' })
  @CharLength(1, MAX_TERM_LENGTH, {
    each: true,
    message: `each term must be 1 to ${MAX_TERM_LENGTH} characters`,
  })
  @Matches(SEED_TERM_PATTERN, {
    each: true,
    message: 'each term must be literal text; the only escapes are \\b, \\s+ and \\.',
  })
  terms!: string[];
}
/** A day's quota beyond any human's writing: a bound on the setting, not a recommendation. */
const MAX_DAILY_QUOTA = 10_000;

/**
 * A whole number from 0 to `max`; each refusal names the field and its range (and that null is
 * allowed, where it is). Applied in the order of a written stack of `@IsInt @Min @Max` (the last
 * first), which is the order the refusals are listed in.
 */
const WholeNumberUpTo = (field: string, max: number, { nullable = false } = {}) => {
  const range = `${field} must be from 0 to ${max}${nullable ? ', or null' : ''}`;
  return applyDecorators(
    Max(max, { message: range }),
    Min(0, { message: range }),
    IsInt({ message: `${field} must be a whole number${nullable ? ' or null' : ''}` }),
  );
};

/**
 * A pseudonym's quota of one kind of write (`what` it may do) per UTC day in the community; null
 * (the default) leaves it to the instance's setting `instanceSetting`.
 */
const DailyQuota = (field: string, what: string, instanceSetting: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: Number,
      nullable: true,
      minimum: 0,
      maximum: MAX_DAILY_QUOTA,
      description: `${what} per UTC day in this community; 0: no quota; null (the default): the instance's ${instanceSetting}`,
    }),
    // Null is a value here (the instance's setting), so @IsOptional, unlike the other settings.
    IsOptional(),
    WholeNumberUpTo(field, MAX_DAILY_QUOTA, { nullable: true }),
  );

/** OPEN communities' proof-of-work per join: the one setting whose documentation is this long. */
const JoinWorkDifficulty = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: Number,
      minimum: 0,
      maximum: MAX_JOIN_WORK_DIFFICULTY,
      default: 0,
      description:
        'OPEN communities: the proof-of-work each join needs, in leading zero bits of SHA-256 (about 2^n hashes; 20 takes a phone a few seconds). 0 (the default): none. See docs/operations.md',
    }),
    OptionalNotNull(),
    WholeNumberUpTo('joinWorkDifficulty', MAX_JOIN_WORK_DIFFICULTY),
  );

/**
 * This community's own minimum anonymity set of proofs, overriding the instance's
 * PROOF_MIN_MEMBERS for it alone; null (the default) follows the instance's.
 */
const ProofMinMembers = () => {
  const range = `proofMinMembers must be from 1 to ${MAX_PROOF_MIN_MEMBERS}, or null`;
  return applyDecorators(
    ApiPropertyOptional({
      type: Number,
      nullable: true,
      minimum: 1,
      maximum: MAX_PROOF_MIN_MEMBERS,
      description:
        "This community's own minimum anonymity set: the fewest live members a group root must have for a proof against it to be accepted, instead of the instance's PROOF_MIN_MEMBERS (default 20). null (the default): the instance's. Lower it only for a deliberately small group that accepts being hidden among few, or whose members are public anyway (the demo): a proof against a root of n live members hides its member among n, for good, and a one-member root names the member. See docs/operations.md",
      example: null,
    }),
    // Null is a value here (the instance's setting), as for the daily quotas.
    IsOptional(),
    Max(MAX_PROOF_MIN_MEMBERS, { message: range }),
    Min(1, { message: range }),
    IsInt({ message: 'proofMinMembers must be a whole number or null' }),
  );
};

/** An origin as browsers send it: lowercase scheme and host, a port only when not the default. */
export const EMBED_ORIGIN_PATTERN =
  /^https?:\/\/(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::[1-9][0-9]{0,4})?$/;

export class CreateCommunityDto {
  @ApiProperty({ example: 'city-news', pattern: SLUG_PATTERN.source })
  @Matches(SLUG_PATTERN, {
    message: 'slug must be 1 to 64 lowercase letters, digits or inner dashes',
  })
  slug!: string;

  @ApiProperty({ example: 'City news', minLength: 1, maxLength: 120 })
  @IsString({ message: 'name must be text' })
  @CharLength(1, 120, { message: 'name must be 1 to 120 characters' })
  name!: string;

  @ApiPropertyOptional({ example: 'Notes on posts about our city', maxLength: 1000 })
  @OptionalNotNull()
  @IsString({ message: 'description must be text' })
  @CharLength(0, 1000, { message: 'description must be at most 1000 characters' })
  description?: string;

  @ApiPropertyOptional({
    enum: AdmissionPolicy,
    enumName: 'AdmissionPolicy',
    default: AdmissionPolicy.INVITE,
  })
  @OptionalNotNull()
  @IsEnum(AdmissionPolicy, {
    message: 'admission must be OPEN, INVITE, CREDENTIAL or CLOSED',
  })
  admission?: AdmissionPolicy;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://news.example.com'],
    description:
      "Origins whose pages may embed the community's widget (scheme://host[:port], lowercase, no path); the widget frame's frame-ancestors lists exactly these",
  })
  @OptionalNotNull()
  @IsArray({ message: 'embedOrigins must be a list' })
  @ArrayMaxSize(50, { message: 'embedOrigins must hold at most 50 origins' })
  @CharLength(1, 255, { each: true, message: 'each embed origin must be 1 to 255 characters' })
  @Matches(EMBED_ORIGIN_PATTERN, {
    each: true,
    message:
      'each embed origin must be http(s)://host[:port] in lowercase, without path, query or trailing slash',
  })
  embedOrigins?: string[];

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 100,
    default: 0,
    description:
      'The rating impact a pseudonym must earn before it may write notes; it also lifts a writing lock. 0 (the default): anyone may write. Recommended: 5, as Community Notes, once the community has notes to rate (in a new community nobody could earn it before the first note)',
  })
  @OptionalNotNull()
  @WholeNumberUpTo('earnInImpact', 100)
  earnInImpact?: number;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 100,
    default: 0,
    description:
      'How many invite codes each member may create by proof (INVITE communities); 0: only the operator invites',
  })
  @OptionalNotNull()
  @WholeNumberUpTo('inviteQuota', 100)
  inviteQuota?: number;

  @ApiPropertyOptional({
    type: [TopicSeedDto],
    description:
      "Topics whose notes the Core scorer leaves to CoreWithTopics, as Community Notes does (a note's topic is the one topic whose seed terms its post's notes match, extended by a classifier of the posts' other words; topic notes are also scored by their topic's own model, which can hold back a helpful one). Default: Community Notes' own four topics (UkraineConflict, GazaConflict, MessiRonaldo, Scams); [] for none. A change requests a scoring run, and takes effect when it publishes",
  })
  @OptionalNotNull()
  @IsArray({ message: 'topicSeeds must be a list' })
  @ArrayMaxSize(MAX_TOPICS, { message: `topicSeeds must hold at most ${MAX_TOPICS} topics` })
  // ValidateNested alone takes a nested list for a list of seeds (then a 500: terms is not iterable).
  @IsObject({ each: true, message: 'each topic seed must be an object: { topic, terms }' })
  @ValidateNested({ each: true })
  @Type(() => TopicSeedDto)
  topicSeeds?: TopicSeedDto[];

  @JoinWorkDifficulty()
  joinWorkDifficulty?: number;

  @DailyQuota('notesPerDay', 'Notes one pseudonym may write', 'NOTES_PER_DAY')
  notesPerDay?: number | null;

  @DailyQuota('noteRequestsPerDay', 'Note requests one pseudonym may make', 'NOTE_REQUESTS_PER_DAY')
  noteRequestsPerDay?: number | null;

  @ProofMinMembers()
  proofMinMembers?: number | null;
}

/**
 * The slug is part of every URL and stays; everything else may change. Nulls are validated like
 * any value (`skipNullProperties: false`), so only the settings that may be null accept one.
 */
export class UpdateCommunityDto extends PartialType(
  PickType(CreateCommunityDto, [
    'name',
    'description',
    'admission',
    'embedOrigins',
    'earnInImpact',
    'inviteQuota',
    'topicSeeds',
    'notesPerDay',
    'noteRequestsPerDay',
    'joinWorkDifficulty',
    'proofMinMembers',
  ] as const),
  { skipNullProperties: false },
) {}
