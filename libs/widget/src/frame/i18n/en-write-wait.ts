/**
 * A note or a rating answered while it waits for its batch (shared/write-wait-key.ts), by the
 * instance's longest seal wait, in English: apart from the catalogue so that the browser
 * extension says it in the widget's words without bundling the whole catalogue.
 */
export const EN_WRITE_WAIT = {
  notedBatchNoTimeBound:
    'Your note is in. It appears once its batch is sealed with other members’ writes, which keeps when you wrote it private: once enough members have written; this has no set time, and in a quiet community it can take a long time.',
  notedBatchWithinHour:
    'Your note is in. It appears once its batch is sealed with other members’ writes, which keeps when you wrote it private: within minutes in a busy community, at the latest about an hour from now.',
  notedBatchWithinHours:
    'Your note is in. It appears once its batch is sealed with other members’ writes, which keeps when you wrote it private: within minutes in a busy community, at the latest about {hours} hours from now.',
  ratedBatchNoTimeBound:
    'Your rating is in. It counts once its batch is sealed with other members’ writes, which keeps when you rated private: once enough members have written; this has no set time, and in a quiet community it can take a long time. Then it counts at the next scoring run.',
  ratedBatchWithinHour:
    'Your rating is in. It counts once its batch is sealed with other members’ writes, which keeps when you rated private: within minutes in a busy community, at the latest about an hour from now, then at the next scoring run.',
  ratedBatchWithinHours:
    'Your rating is in. It counts once its batch is sealed with other members’ writes, which keeps when you rated private: within minutes in a busy community, at the latest about {hours} hours from now, then at the next scoring run.',
} as const;
