// What a member does from the panel: rate, write, request. Proofs are made in the extension's
// prover worker; the same checks as the widget and the API run before anything is proven.
import {
  type Helpfulness,
  HELPFUL_TAGS,
  minuteOf,
  MISLEADING_REASONS,
  NOT_HELPFUL_TAGS,
  NOT_MISLEADING_REASONS,
  NOTE_TEXT_LIMIT,
  type RatingResponse,
  ratingContentProblems,
  sendRating,
} from '@bridgenotes/protocol';

import {
  button,
  h,
  markField,
  nextId,
  sendProven,
  TAGS_REQUIRED,
  unshownWrite,
} from '@bridgenotes/widget';
import { errorSlot, showProblem } from '../shared/field-error';
import {
  circuitFiles,
  groupLeaves,
  inGroup,
  instanceClock,
  InstanceError,
  type Note,
  rate,
  requestNote,
  writeNote,
} from '../shared/instance';
import type { ProvenForApi } from '../shared/messages';
import { prover } from '../shared/prover';
import { ext } from '../shared/extension-api';
import { notSealedNotice, writeOutcome } from '../shared/membership-news';
import { type Follow, type SaveRatingMessage } from '../shared/storage';
import { label, t } from '../shared/strings';
import type { BusyTarget } from './busy';
import { noteLength, noteProblem } from './note-problem';

export interface MemberContext {
  follow: Follow;
  backup: string;
  /** The post, as the write endpoints take it. */
  post: { url: string } | { platform: string; externalId: string };
  say(message: string): void;
  /** Runs `action`, saying its failure; `busy`: its button and form, busy while it runs. */
  guarded(action: () => Promise<void>, busy?: BusyTarget): Promise<void>;
}

/**
 * The member's join is not in the community's published group yet: it waits for its batch to be
 * sealed (docs/threat-model.md), and no proof can be made until then.
 */
export class MembershipNotSealed extends Error {
  override name = 'MembershipNotSealed';
}

/**
 * Only what the member saw: a page steering a click onto a faded or covered panel would learn its
 * user's pseudonym from the write (docs/threat-model.md, "Click-jacking"). Asked once per action,
 * as its submit handler runs, for the button just used: never again for a proof made anew within
 * the action (a rating's later minute), which would ask twice, or name, or be refused for, what
 * the member touched since.
 */
async function confirmShown(): Promise<void> {
  const refusal = await unshownWrite((action) => t('confirmWrite', { action }));
  // Said in the widget's words (failure.ts).
  if (refusal) throw new InstanceError(0, refusal, refusal);
}

async function prove(
  context: MemberContext,
  kind: string,
  target: string,
  payload: { [key: string]: unknown },
  clientMinute?: number,
): Promise<ProvenForApi> {
  context.say(t('proving'));
  const [group, { commitment }] = await Promise.all([
    groupLeaves(context.follow),
    prover({ type: 'commitment', backup: context.backup }),
  ]);
  // The forms are offered only for a membership found sealed, but one an earlier version
  // recorded while its join waited for its batch (it did not tell them apart), or a member
  // removed since, is not in the group: proving would fail on a leaf the tree does not hold.
  if (!inGroup(group, commitment as string)) {
    throw new MembershipNotSealed(notSealedNotice(context.follow));
  }
  const files = await circuitFiles(context.follow.instance);
  const { proven } = await prover(
    {
      type: 'prove',
      backup: context.backup,
      group,
      wasm: files.wasm,
      zkey: files.zkey,
      community: { id: context.follow.id, scope: context.follow.scope },
      kind,
      target,
      payload,
      // The instance's minute, read from it just now (the group), never the device's.
      clientMinute: clientMinute ?? minuteOf(instanceClock(context.follow.instance).now()),
    },
    [files.wasm, files.zkey],
  );
  return proven as ProvenForApi;
}

/**
 * Whose note a kept proof is (`sendProven`): the follow's community, as this identity, which
 * another backup restored since would not be.
 */
async function writeKey(context: MemberContext): Promise<string> {
  const { commitment } = await prover({ type: 'commitment', backup: context.backup });
  return `${context.follow.instance} ${context.follow.id} ${String(commitment)} note.create`;
}

function choices(
  type: 'radio' | 'checkbox',
  name: string,
  legend: string,
  values: readonly string[],
  labelOf: (value: string) => string = label,
): HTMLFieldSetElement {
  return h(
    'fieldset',
    {},
    h('legend', {}, legend),
    ...values.map((value) =>
      h('label', { class: 'choice' }, h('input', { type, name, value }), labelOf(value)),
    ),
  );
}

const checked = (form: HTMLFormElement, name: string) =>
  [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map(
    (input) => input.value,
  );

function tagsFor(helpfulness: string): readonly string[] {
  if (helpfulness === 'HELPFUL') return HELPFUL_TAGS;
  if (helpfulness === 'NOT_HELPFUL') return NOT_HELPFUL_TAGS;
  return [...new Set([...HELPFUL_TAGS, ...NOT_HELPFUL_TAGS])];
}

/** The member's own latest rating of a note, as the extension keeps it. */
export interface OwnRating {
  helpfulness: string;
  /** Its minute; unknown for a rating kept by an earlier version of the extension. */
  clientMinute?: number;
}

/** The `storedClientMinute` of a `409 RATING_OUTDATED` answer; undefined for any other error. */
const outdatedMinute = (error: unknown): number | undefined => {
  if (!(error instanceof InstanceError) || error.code !== 'RATING_OUTDATED') return undefined;
  const minute = (error.details as { storedClientMinute?: unknown } | undefined)
    ?.storedClientMinute;
  return typeof minute === 'number' ? minute : undefined;
};

/**
 * Rates `noteId` as the member: proven with the minute after `knownMinute`, and again while each
 * refusal names a later one (`sendRating`), after one look at whether the member saw the form.
 */
export async function rateNote(
  context: MemberContext,
  noteId: string,
  payload: { helpfulness: string; tags: string[] },
  knownMinute: number | undefined,
): Promise<RatingResponse> {
  await confirmShown();
  const send = async (clientMinute: number) => {
    const proven = await prove(context, 'rating.put', `note:${noteId}`, payload, clientMinute);
    return rate(context.follow, noteId, { ...payload, ...proven });
  };
  return sendRating(send, {
    outdatedMinute,
    knownMinute,
    now: () => instanceClock(context.follow.instance).now(),
  });
}

/**
 * The rating form, with the member's own latest rating shown (kept in the extension). A change
 * always wins, as in the widget: it is proven with the minute after the kept one
 * (`nextRatingMinute`, docs/protocol.md "The order of a member's ratings"), learnt from the API's
 * `RATING_OUTDATED` answer when another browser or panel rated since, and proven again while each
 * refusal names a later minute (`sendRating`, up to three sends).
 */
export function ratingForm(context: MemberContext, note: Note, own?: OwnRating): HTMLElement {
  const name = nextId('helpfulness');
  const tags = h('div', { class: 'tags' });
  let knownMinute = own?.clientMinute;
  const mine = h(
    'p',
    { class: 'meta' },
    own ? t('yourRating', { rating: label(own.helpfulness) }) : '',
  );
  const helpfulness = choices('radio', name, t('rateAs'), [
    'HELPFUL',
    'SOMEWHAT_HELPFUL',
    'NOT_HELPFUL',
  ]);
  const fields = {
    helpfulness: { control: () => helpfulness, slot: errorSlot() },
    // The tags' group is drawn anew for each helpfulness.
    tags: { control: () => tags.querySelector('fieldset'), slot: errorSlot() },
  };
  const submitRating = h('button', { type: 'submit' }, t('submitRating'));
  const form = h(
    'form',
    { class: 'rate', 'aria-label': t('rateAs'), novalidate: true },
    helpfulness,
    fields.helpfulness.slot,
    tags,
    fields.tags.slot,
    submitRating,
  );
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name !== name) return;
    const [chosen] = checked(form, name);
    const group = choices('checkbox', `${name}-tags`, t('tags'), tagsFor(chosen));
    // Why a tag is asked for, beside the tags: untagged ratings never settle a note.
    if (TAGS_REQUIRED.has(chosen)) {
      group.querySelector('legend')?.after(h('p', { class: 'meta hint' }, t('tagsWhy')));
    }
    tags.replaceChildren(group);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [chosen] = checked(form, name);
    const chosenTags = checked(form, `${name}-tags`);
    // The API's rules (libs/protocol's), then the panel's own: a tag with Helpful or Not helpful.
    const [refused] = ratingContentProblems({ helpfulness: chosen, tags: chosenTags });
    const problem =
      refused?.field === 'helpfulness'
        ? { field: 'helpfulness' as const, message: t('chooseHelpfulness') }
        : refused || (TAGS_REQUIRED.has(chosen) && chosenTags.length === 0)
          ? { field: 'tags' as const, message: t('chooseTag') }
          : null;
    if (!showProblem(fields, problem)) return;
    void context.guarded(
      async () => {
        const rating = await rateNote(
          context,
          note.id,
          { helpfulness: chosen, tags: chosenTags },
          knownMinute,
        );
        knownMinute = rating.clientMinute;
        const kept: SaveRatingMessage = {
          type: 'save-rating',
          noteId: note.id,
          helpfulness: chosen as Helpfulness,
          clientMinute: rating.clientMinute,
        };
        // The rating landed whatever happens here: only showing it back later depends on this.
        const remembered = (await ext.runtime.sendMessage(kept)) === true;
        mine.textContent = t('yourRating', { rating: label(chosen) });
        const said = writeOutcome(context.follow, 'rated');
        context.say(remembered ? said : `${said} ${t('notRemembered')}`);
      },
      { control: submitRating, region: form },
    );
  });
  return h('div', {}, mine, form);
}

/**
 * Publishes the note `payload` as the member, once they were seen to ask. A Publish after an
 * answer lost (the network, a 5xx) sends the proof kept from the try that may have stored the
 * note (`sendProven`): a new one, of a later minute, would be a second note.
 */
export async function publishNote(
  context: MemberContext,
  payload: { [key: string]: unknown },
): Promise<Note> {
  await confirmShown();
  let proven = false;
  return sendProven(
    await writeKey(context),
    JSON.stringify(payload),
    async () => {
      proven = true;
      return { ...payload, ...(await prove(context, 'note.create', '', payload)) };
    },
    (body) => {
      if (!proven) context.say(t('sendingAgain'));
      return writeNote(context.follow, body);
    },
    (seconds) => context.say(t('verifierBusy', { seconds })),
  );
}

export function noteForm(context: MemberContext, onWritten: (note: Note) => void): HTMLElement {
  const textId = nextId('text');
  const sourcesId = nextId('sources');
  const classificationName = nextId('classification');
  const reasons = h('div', { class: 'reasons' });
  const text = h('textarea', { id: textId, rows: '4', required: true });
  const counter = h('p', { class: 'meta', 'aria-live': 'polite' }, noteLength('').counter);
  const sources = h('textarea', { id: sourcesId, rows: '2', spellcheck: 'false' });
  const classification = choices('radio', classificationName, t('classification'), [
    'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    'NOT_MISLEADING',
  ]);
  const fields = {
    classification: { control: () => classification, slot: errorSlot() },
    // The reasons' group is drawn anew for each classification.
    reasons: { control: () => reasons.querySelector('fieldset'), slot: errorSlot() },
    text: { control: () => text, slot: errorSlot() },
    sources: { control: () => sources, slot: errorSlot() },
  };
  const submitNote = h('button', { type: 'submit' }, t('submitNote'));
  const form = h(
    'form',
    // The panel checks the fields itself and says what is wrong next to each.
    { class: 'write', 'aria-label': t('writeNote'), novalidate: true },
    classification,
    fields.classification.slot,
    reasons,
    fields.reasons.slot,
    h('label', { for: textId }, t('noteText', { limit: NOTE_TEXT_LIMIT })),
    text,
    fields.text.slot,
    counter,
    h('label', { for: sourcesId }, t('noteSources')),
    sources,
    fields.sources.slot,
    submitNote,
  );
  // A text too long, by either limit, is said under it as the member types (the counter, a live
  // region, says the figures); cleared once it fits.
  let tooLongSaid = false;
  text.addEventListener('input', () => {
    const { counter: counted, tooLong } = noteLength(text.value);
    counter.textContent = counted;
    if (tooLong !== null || tooLongSaid) {
      fields.text.slot.textContent = tooLong ?? '';
      markField(text, tooLong === null ? null : fields.text.slot);
    }
    tooLongSaid = tooLong !== null;
  });
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name !== classificationName) return;
    const misleading = checked(form, classificationName)[0] !== 'NOT_MISLEADING';
    reasons.replaceChildren(
      choices(
        'checkbox',
        `${classificationName}-reasons`,
        t('reasons'),
        misleading ? MISLEADING_REASONS : NOT_MISLEADING_REASONS,
      ),
    );
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [kind] = checked(form, classificationName);
    const chosen = checked(form, `${classificationName}-reasons`);
    const links = sources.value.split(/\s+/).filter(Boolean);
    const draft = { classification: kind, reasons: chosen, text: text.value, sources: links };
    if (!showProblem(fields, noteProblem(draft))) return;
    void context.guarded(
      async () => {
        const note = await publishNote(context, {
          post: context.post,
          classification: kind,
          reasons: chosen,
          text: text.value,
          sources: links,
        });
        form.reset();
        counter.textContent = noteLength('').counter;
        context.say(writeOutcome(context.follow, 'noted'));
        onWritten(note);
      },
      { control: submitNote, region: form },
    );
  });
  return form;
}

/** Community Notes' "request a note", once per pseudonym and post. */
export function requestPanel(context: MemberContext, requestCount: number): HTMLElement {
  const count = h('p', {}, t('requestCount', { count: requestCount }));
  const ask = button(t('requestNote'), () =>
    context.guarded(
      async () => {
        await confirmShown();
        const payload = { post: context.post };
        const proven = await prove(context, 'note.request', '', payload);
        const stored = await requestNote(context.follow, { ...payload, ...proven });
        count.textContent = t('requestCount', { count: stored.postRequestCount });
        context.say(t('requested'));
      },
      { control: ask, region: panel },
    ),
  );
  const panel = h('div', { class: 'request' }, count, ask);
  return panel;
}
