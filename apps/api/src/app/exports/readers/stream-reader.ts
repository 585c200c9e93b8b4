import type { PrismaService } from '@bridgenotes/database';
import type { ChangeStream, ExportRecords, ExportStream } from '@bridgenotes/open-data';

import type { Position, Positioned } from '../export-position';

/**
 * One export stream's reader: a keyset batch of the community's records after a position, by
 * the stream's own order; the change streams also read in change order, below a horizon.
 */
export interface StreamReader<S extends ExportStream> {
  batch(
    prisma: PrismaService,
    communityId: string,
    after: Position | undefined,
    take: number,
  ): Promise<Positioned<ExportRecords[S]>[]>;
}

export interface ChangeStreamReader<S extends ChangeStream> extends StreamReader<S> {
  changes(
    prisma: PrismaService,
    communityId: string,
    after: Position | undefined,
    take: number,
    below: bigint,
  ): Promise<Positioned<ExportRecords[S]>[]>;
}
