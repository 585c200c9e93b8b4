// What other browser code takes from the widget (`@bridgenotes/widget`): the browser extension
// builds its views with the frame's DOM helpers, and names Community Notes' labels and says a
// pending join, a write waiting for its batch, a content rule broken and a refusal with the
// frame's English catalogue
// and its choice of wording by the seal wait (`sealWaitKey`, `writeWaitKey`), so the two never
// drift apart, and guards its panel's writes against click-jacking with the frame's guard. Its
// prover Web Worker runs the widget's prover core (`@bridgenotes/widget/prover`, apart so that
// no other bundle pulls in the proof code), and its stylesheet imports src/shared/notes.css. The
// widget itself is built from embed.ts, frame/main.ts and prover/prover.worker.ts, not from here.
export * from './frame/dom';
export { EN_LABELS } from './frame/i18n/en';
export { EN_CONTENT } from './frame/i18n/en-content';
export { EN_PENDING } from './frame/i18n/en-pending';
export { EN_WRITE_WAIT } from './frame/i18n/en-write-wait';
// In the extension the frame's locale is never set: its sentences are English, as the panel's.
export { type Refusal, refusalText } from './frame/failure';
export { TAGS_REQUIRED } from './frame/validation';
// A note sent again after a lost answer is the proof kept from its first try, never a second note.
export { sendProven } from './frame/proven-writes';
export { sealWaitKey } from './shared/seal-wait-key';
export { writeWaitKey } from './shared/write-wait-key';
export { guardWrites, unshownWrite } from './shared/visibility-guard';
