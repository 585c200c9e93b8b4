import { Injectable } from '@nestjs/common';
import { Community, PrismaService } from '@bridgenotes/database';
import { TREE_DEPTH } from '@bridgenotes/protocol';

import { GroupLeavesDto, GroupRootDto } from './dto/membership.dto';

@Injectable()
export class GroupService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The leaves and the root they build, read by one statement, whose one snapshot makes them
   * agree. Not an interactive transaction: its start gave up after Prisma's own wait while the
   * pool or the embedded session was busy (503 where the request could have waited its turn),
   * and its 5-s limit would end a read of a million leaves on a loaded machine.
   */
  async leaves(communityId: string): Promise<GroupLeavesDto> {
    const [group] = await this.prisma.$queryRaw<{ root: string; size: number; leaves: string[] }[]>`
      SELECT c.tree_root AS root, c.tree_size AS size,
             ARRAY(SELECT t.hash FROM tree_nodes t
                    WHERE t.community_id = c.id AND t.level = 0
                    ORDER BY t.index) AS leaves
        FROM communities c
       WHERE c.id = ${communityId}::uuid`;
    if (!group) throw new Error(`community ${communityId} is gone`);
    return { root: group.root, size: group.size, depth: TREE_DEPTH, leaves: group.leaves };
  }

  async roots(community: Community, limit: number): Promise<GroupRootDto[]> {
    const roots = await this.prisma.groupRoot.findMany({
      where: { communityId: community.id },
      // The history's own order, newest first: a mirror's roots may share a time.
      orderBy: { seq: 'desc' },
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
