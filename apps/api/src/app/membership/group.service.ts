import { Injectable } from '@nestjs/common';
import { Community, PrismaService } from '@bridgenotes/database';
import { TREE_DEPTH } from '@bridgenotes/protocol';

import { GroupLeavesDto, GroupRootDto } from './dto/membership.dto';

@Injectable()
export class GroupService {
  constructor(private readonly prisma: PrismaService) {}

  /** The leaves and the root they build, read in one snapshot so they always agree. */
  async leaves(communityId: string): Promise<GroupLeavesDto> {
    return this.prisma.$transaction(
      async (tx) => {
        const community = await tx.community.findUniqueOrThrow({
          where: { id: communityId },
          select: { treeRoot: true, treeSize: true },
        });
        const leaves = await tx.treeNode.findMany({
          where: { communityId, level: 0 },
          orderBy: { index: 'asc' },
          select: { hash: true },
        });
        return {
          root: community.treeRoot,
          size: community.treeSize,
          depth: TREE_DEPTH,
          leaves: leaves.map((leaf) => leaf.hash),
        };
      },
      { isolationLevel: 'RepeatableRead' },
    );
  }

  async roots(community: Community, limit: number): Promise<GroupRootDto[]> {
    const roots = await this.prisma.groupRoot.findMany({
      where: { communityId: community.id },
      orderBy: [{ createdAt: 'desc' }, { size: 'desc' }],
      take: limit,
    });
    return roots.map((root) => ({
      root: root.root,
      size: root.size,
      createdAt: root.createdAt.toISOString(),
      supersededAt: root.supersededAt?.toISOString() ?? null,
    }));
  }
}
