export * from './group-tree.store';
export * from './scoring-outbox';
export * from './scoring-run.store';
export * from './moderation-log.store';
export * from './note-reports.store';
export * from './pseudonym-daily-counts';
export * from './member-invite-days';
export * from './note-requests.store';
