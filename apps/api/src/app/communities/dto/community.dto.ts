import { ApiProperty } from '@nestjs/swagger';
import { AdmissionPolicy, Community } from '@bridgenotes/database';
import { CommunityResponse, TREE_DEPTH } from '@bridgenotes/protocol';

import { TopicSeedDto } from './community-input.dto';

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

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(community: Community): CommunityDto {
    return {
      id: community.id,
      slug: community.slug,
      name: community.name,
      description: community.description,
      admission: community.admission,
      scope: community.scope,
      treeDepth: TREE_DEPTH,
      treeSize: community.treeSize,
      root: community.treeRoot,
      embedOrigins: community.embedOrigins,
      earnInImpact: community.earnInImpact,
      inviteQuota: community.inviteQuota,
      topicSeeds: community.topicSeeds as unknown as TopicSeedDto[],
      joinWorkDifficulty: community.joinWorkDifficulty,
      notesPerDay: community.notesPerDay,
      noteRequestsPerDay: community.noteRequestsPerDay,
      createdAt: community.createdAt.toISOString(),
    };
  }
}
