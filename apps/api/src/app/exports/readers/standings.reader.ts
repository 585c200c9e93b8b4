import type { StreamReader } from './stream-reader';

/** Each pseudonym's earned standing, as the last run published it, in pseudonym order. */
export const standingsReader: StreamReader<'standings'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.pseudonymStanding.findMany({
      where: { communityId, ...(after?.kind === 'id' ? { pseudonym: { gt: after.id } } : {}) },
      orderBy: { pseudonym: 'asc' },
      take,
    });
    return rows.map(({ communityId: _community, ...standing }) => ({
      position: { kind: 'id', id: standing.pseudonym },
      record: { cursor: standing.pseudonym, ...standing },
    }));
  },
};
