import { ApiProperty } from '@nestjs/swagger';
import { AdmissionPolicy, Community } from '@bridgenotes/database';
import { CommunityResponse, TREE_DEPTH } from '@bridgenotes/protocol';

import { TopicSeedDto } from './community-input.dto';

/** How the instance seals writes into batches: the same for every community it serves. */
export class SealingDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'The longest a join or proven write waits for its batch when fewer than SEAL_MIN_MEMBERS members wait, in seconds: SEAL_MAX_WAIT_SECONDS rounded up to whole SEAL_WINDOW_SECONDS, plus one window for the check; 0: each is sealed in its request (SEAL_WINDOW_SECONDS=0), or within a minute should that seal fail; null: no time bound, a batch waits for SEAL_MIN_MEMBERS members (SEAL_MAX_WAIT_SECONDS=0). Instance configuration, nothing about members. Clients take a pending join still missing from the group leaves after max(24 h, 4 × this) as possibly removed, and never where it is null; an instance without this field is given 24 h',
    example: 21_660,
  })
  maxWaitSeconds!: number | null;
}

export class CommunityDto implements CommunityResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'city-news' })
  slug!: string;

  @ApiProperty({ example: 'City news' })
  name!: string;

  @ApiProperty({ example: 'Notes on posts about our city' })
  description!: string;

  @ApiProperty({ enum: AdmissionPolicy, enumName: 'AdmissionPolicy' })
  admission!: AdmissionPolicy;

  @ApiProperty({
    description: 'Semaphore scope of every proof in this community (decimal), fixed forever',
    example: '4137946157294850374956023841756103475610234758102347561023475610234751',
  })
  scope!: string;

  @ApiProperty({ description: 'Tree depth every proof must use', example: TREE_DEPTH })
  treeDepth!: number;

  @ApiProperty({ description: 'Leaves in the group tree, removed members included', example: 42 })
  treeSize!: number;

  @ApiProperty({
    description:
      'Live members of the group now: its leaves less the removed (zeroed) ones. A proof hides its member among the live members of the root it proves against',
    example: 40,
  })
  members!: number;

  @ApiProperty({
    description:
      "The fewest live members a group root must have for a proof against it to be accepted: the community's own minimum when the operator set one (proofMinMembersSource `community`), else the instance's PROOF_MIN_MEMBERS (`instance`). While `members` is below it, every proven action (notes, ratings, requests, reports, invites, POST …/proofs/check) answers 403 PROOF_ROOT_TOO_SMALL, so that no pseudonym is hidden among too few. Clients say how many more members are needed (proofMinMembers − members)",
    example: 20,
  })
  proofMinMembers!: number;

  @ApiProperty({
    enum: ['community', 'instance'],
    description:
      "Whose minimum proofMinMembers is: `community`, set by the operator for this community alone (PATCH …/:slug proofMinMembers; it may be lower than the instance's, a small anonymity set the community accepts); `instance`, the instance's PROOF_MIN_MEMBERS",
    example: 'instance',
  })
  proofMinMembersSource!: 'community' | 'instance';

  @ApiProperty({ description: 'Current Merkle root of the group (decimal; "0" when empty)' })
  root!: string;

  @ApiProperty({
    type: [String],
    description: "Origins whose pages may embed the community's widget",
    example: ['https://news.example.com'],
  })
  embedOrigins!: string[];

  @ApiProperty({
    description: 'Rating impact a pseudonym must earn before writing notes (0: none)',
    example: 5,
  })
  earnInImpact!: number;

  @ApiProperty({
    description: 'Invite codes each member may create by proof (0: none)',
    example: 0,
  })
  inviteQuota!: number;

  @ApiProperty({
    type: [TopicSeedDto],
    description:
      'Topics whose notes the Core scorer leaves to CoreWithTopics, each with its seed terms ([] for none)',
  })
  topicSeeds!: TopicSeedDto[];

  @ApiProperty({
    description:
      'Proof-of-work each OPEN join needs, in leading zero bits (0: none); get a challenge at GET …/join-work',
    example: 0,
  })
  joinWorkDifficulty!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "Notes one pseudonym may write per UTC day (0: no quota; null: the instance's)",
    example: null,
  })
  notesPerDay!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "Note requests one pseudonym may make per UTC day (0: no quota; null: the instance's)",
    example: null,
  })
  noteRequestsPerDay!: number | null;

  @ApiProperty({ type: SealingDto })
  sealing!: SealingDto;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  /**
   * `community` as the API answers it, with the instance's `sealing` (Sealer) and its minimum
   * anonymity set of proofs (PROOF_MIN_MEMBERS), which the community's own replaces when set.
   */
  static from(
    community: Community,
    sealing: SealingDto,
    instanceProofMinMembers: number,
  ): CommunityDto {
    return {
      id: community.id,
      slug: community.slug,
      name: community.name,
      description: community.description,
      admission: community.admission,
      scope: community.scope,
      treeDepth: TREE_DEPTH,
      treeSize: community.treeSize,
      members: community.treeMembers,
      proofMinMembers: community.proofMinMembers ?? instanceProofMinMembers,
      proofMinMembersSource: community.proofMinMembers === null ? 'instance' : 'community',
      root: community.treeRoot,
      embedOrigins: community.embedOrigins,
      earnInImpact: community.earnInImpact,
      inviteQuota: community.inviteQuota,
      topicSeeds: community.topicSeeds as unknown as TopicSeedDto[],
      joinWorkDifficulty: community.joinWorkDifficulty,
      notesPerDay: community.notesPerDay,
      noteRequestsPerDay: community.noteRequestsPerDay,
      sealing,
      createdAt: community.createdAt.toISOString(),
    };
  }
}
