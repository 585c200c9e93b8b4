// What a member does from the panel: rate, write, request. Proofs are made in the extension's
// prover worker; the same checks as the widget and the API run before anything is proven.
import {
  type Helpfulness,
  HELPFUL_TAGS,
  MISLEADING_REASONS,
  NOT_HELPFUL_TAGS,
  NOT_MISLEADING_REASONS,
  NOTE_TEXT_LIMIT,
  noteTextLength,
} from '@bridgenotes/protocol';

import { button, h, nextId } from '@bridgenotes/widget';
import {
  circuitFiles,
  groupLeaves,
  type Note,
  rate,
  requestNote,
  writeNote,
} from '../shared/instance';
import type { ProvenForApi } from '../shared/messages';
import { prover } from '../shared/prover';
import { ext } from '../shared/extension-api';
import { type Follow, type SaveRatingMessage } from '../shared/storage';
import { label, t } from '../shared/strings';
import { httpUrl } from './note-view';

export interface MemberContext {
  follow: Follow;
  backup: string;
  /** The post, as the write endpoints take it. */
  post: { url: string } | { platform: string; externalId: string };
  say(message: string): void;
  guarded(action: () => Promise<void>): Promise<void>;
}

async function prove(
  context: MemberContext,
  kind: string,
  target: string,
  payload: { [key: string]: unknown },
): Promise<ProvenForApi> {
  context.say(t('proving'));
  const [group, files] = await Promise.all([
    groupLeaves(context.follow),
    circuitFiles(context.follow.instance),
  ]);
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
    },
    [files.wasm, files.zkey],
  );
  return proven as ProvenForApi;
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

/** The rating form, with the member's own latest rating shown (kept in the extension). */
export function ratingForm(context: MemberContext, note: Note, ownRating?: string): HTMLElement {
  const name = nextId('helpfulness');
  const tags = h('div', { class: 'tags' });
  const mine = h(
    'p',
    { class: 'meta' },
    ownRating ? t('yourRating', { rating: label(ownRating) }) : '',
  );
  const form = h(
    'form',
    { class: 'rate', 'aria-label': t('rateAs') },
    choices('radio', name, t('rateAs'), ['HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL']),
    tags,
    h('button', { type: 'submit' }, t('submitRating')),
  );
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name !== name) return;
    tags.replaceChildren(
      choices('checkbox', `${name}-tags`, t('tags'), tagsFor(checked(form, name)[0])),
    );
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [helpfulness] = checked(form, name);
    if (!helpfulness) return;
    void context.guarded(async () => {
      const payload = { helpfulness, tags: checked(form, `${name}-tags`) };
      const proven = await prove(context, 'rating.put', `note:${note.id}`, payload);
      await rate(context.follow, note.id, { ...payload, ...proven });
      const kept: SaveRatingMessage = {
        type: 'save-rating',
        noteId: note.id,
        helpfulness: helpfulness as Helpfulness,
      };
      // The rating landed whatever happens here: only showing it back later depends on this.
      const remembered = (await ext.runtime.sendMessage(kept)) === true;
      mine.textContent = t('yourRating', { rating: label(helpfulness) });
      context.say(t(remembered ? 'rated' : 'ratedNotRemembered'));
    });
  });
  return h('div', {}, mine, form);
}

/** The checks the API makes, made first so that no proof is spent on a refused note. */
function noteProblem(classification: string, reasons: string[], text: string, sources: string[]) {
  if (reasons.length === 0) return t('pickReason');
  const length = noteTextLength(text);
  if (length === 0 || length > NOTE_TEXT_LIMIT)
    return t('tooLong', { length, limit: NOTE_TEXT_LIMIT });
  const bad = sources.find((source) => source.length > 2048 || !httpUrl(source));
  if (bad) return t('badSource', { source: bad });
  if (classification !== 'NOT_MISLEADING' && sources.length === 0) return t('needSource');
  return null;
}

export function noteForm(context: MemberContext, onWritten: (note: Note) => void): HTMLElement {
  const textId = nextId('text');
  const sourcesId = nextId('sources');
  const classificationName = nextId('classification');
  const reasons = h('div', { class: 'reasons' });
  const text = h('textarea', { id: textId, rows: '4', required: true });
  const counter = h('p', { class: 'meta', 'aria-live': 'polite' }, `0/${NOTE_TEXT_LIMIT}`);
  const sources = h('textarea', { id: sourcesId, rows: '2', spellcheck: 'false' });
  const form = h(
    'form',
    { class: 'write', 'aria-label': t('writeNote') },
    choices('radio', classificationName, t('classification'), [
      'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      'NOT_MISLEADING',
    ]),
    reasons,
    h('label', { for: textId }, t('noteText', { limit: NOTE_TEXT_LIMIT })),
    text,
    counter,
    h('label', { for: sourcesId }, t('noteSources')),
    sources,
    h('button', { type: 'submit' }, t('submitNote')),
  );
  text.addEventListener('input', () => {
    counter.textContent = `${noteTextLength(text.value)}/${NOTE_TEXT_LIMIT}`;
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
    const [classification] = checked(form, classificationName);
    if (!classification) return;
    const chosen = checked(form, `${classificationName}-reasons`);
    const links = sources.value.split(/\s+/).filter(Boolean);
    const problem = noteProblem(classification, chosen, text.value, links);
    if (problem) {
      context.say(problem);
      return;
    }
    void context.guarded(async () => {
      const payload = {
        post: context.post,
        classification,
        reasons: chosen,
        text: text.value,
        sources: links,
      };
      const proven = await prove(context, 'note.create', '', payload);
      const note = await writeNote(context.follow, { ...payload, ...proven });
      form.reset();
      context.say(t('noted'));
      onWritten(note);
    });
  });
  return form;
}

/** Community Notes' "request a note", once per pseudonym and post. */
export function requestPanel(context: MemberContext, requestCount: number): HTMLElement {
  const count = h('p', {}, t('requestCount', { count: requestCount }));
  const ask = button(t('requestNote'), () =>
    context.guarded(async () => {
      const payload = { post: context.post };
      const proven = await prove(context, 'note.request', '', payload);
      const stored = await requestNote(context.follow, { ...payload, ...proven });
      count.textContent = t('requestCount', { count: stored.postRequestCount });
      context.say(t('requested'));
    }),
  );
  return h('div', { class: 'request' }, count, ask);
}
