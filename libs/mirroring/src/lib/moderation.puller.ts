import { ModerationLogStore, type Mirror, type Prisma } from '@bridgenotes/database';
import type { ExportClient, ExportManifest, ModerationRecord } from '@bridgenotes/open-data';

import { MirrorPullError } from './mirror-state';
import { promotionFence } from './page-settlement';

type Tx = Prisma.TransactionClient;

const PAGE = 1_000;

/**
 * Copies the origin's moderation log, entry by entry and unchanged, each applied as on the
 * origin (a redaction empties the note's text here too, a hide takes it out of the reads). Read
 * before the notes: a note the origin redacted is then accepted only against its REDACT entry's
 * message. An entry that does not continue the chain held here (the origin rewrote or removed
 * some of its log) stops the pull: the mirror keeps what it has, and says why. Once the mirror
 * is promoted, no entry lands (`PULL_CONFLICT`), as no page does.
 */
export class ModerationPuller {
  constructor(private readonly log: ModerationLogStore) {}

  async pull(mirror: Mirror, client: ExportClient, manifest: ExportManifest): Promise<number> {
    if (!manifest.streams.includes('moderation')) return 0;
    let accepted = 0;
    let last = (await this.log.last(mirror.communityId))?.seq ?? 0;
    for (;;) {
      const page = (await client.page('moderation', {
        after: last === 0 ? undefined : String(last),
        limit: PAGE,
      })) as ModerationRecord[];
      for (const record of page) {
        const entry = {
          seq: record.seq,
          action: record.action,
          target: record.target,
          reasonCode: record.reasonCode,
          moderatorKeyId: record.moderatorKeyId,
          day: record.day,
          message: record.message,
          previousHash: record.previousHash,
          hash: record.hash,
        };
        let appended = false;
        try {
          // Fenced as every page is: none lands once the mirror is promoted.
          const fence = async (tx: Tx) => void (await promotionFence(tx, mirror.id));
          appended = (await this.log.appendCopy(mirror.communityId, entry, fence)).ok;
        } catch (error) {
          // A field of the wrong type cannot even be hashed.
          if (!(error instanceof TypeError)) throw error;
        }
        if (!appended) {
          throw new MirrorPullError(
            'ORIGIN_INVALID',
            `the origin's moderation log entry ${String(entry.seq)} does not continue the log this mirror holds (entry ${last}): nothing more pulled`,
          );
        }
        accepted += 1;
        last = entry.seq;
      }
      if (page.length < PAGE) return accepted;
    }
  }
}
