import { Injectable } from '@nestjs/common';
import { NoteReport, NoteReportsStore, PrismaService } from '@bridgenotes/database';

import { ApiError } from '../common/api-error';
import type { CommunityKey } from '../communities/communities.service';
import { ActionProofsService } from '../membership/action-proofs.service';
import { noteNotFound } from '../notes/notes.service';
import type { ReportNoteDto } from './dto/moderation-input.dto';

/**
 * Members' proven reports (action `note.report`), one per pseudonym and note, stored by
 * `NoteReportsStore`. Reports are for moderators: neither served publicly nor exported, since a
 * report beside its reporter's pseudonym says more about that member than any rating.
 */
@Injectable()
export class NoteReportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: NoteReportsStore,
    private readonly proofs: ActionProofsService,
  ) {}

  async report(community: CommunityKey, noteId: string, input: ReportNoteDto): Promise<NoteReport> {
    const text = input.text ?? '';
    if (input.reason === 'OTHER' && text.trim() === '') throw ApiError.of('REPORT_TEXT_REQUIRED');
    const note = await this.prisma.note.findFirst({
      // Only a shown note: a report of one its author deleted, or hidden or redacted, would
      // never be in the queue (NoteReportsStore.create).
      where: {
        id: noteId,
        communityId: community.id,
        deletedAt: null,
        hidden: false,
        redacted: false,
      },
      select: { id: true },
    });
    if (!note) throw noteNotFound(community, noteId);
    const reporter = await this.proofs.verify(
      community,
      {
        kind: 'note.report',
        target: `note:${noteId}`,
        payload: { reason: input.reason, text },
        clientMinute: input.clientMinute,
      },
      input.proof,
    );
    const report = await this.store.create({
      communityId: community.id,
      noteId,
      reporterPseudonym: reporter,
      reason: input.reason,
      text,
      day: new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`),
    });
    // Deleted, hidden or redacted while its proof was checked.
    if (report === 'NOTE_GONE') throw noteNotFound(community, noteId);
    if (report === 'DUPLICATE') throw ApiError.of('REPORT_EXISTS', noteId);
    // Blocked while its proof was checked: refused as the check refuses a blocked pseudonym.
    if (report === 'BLOCKED') throw ApiError.of('PSEUDONYM_BLOCKED');
    return report;
  }
}
