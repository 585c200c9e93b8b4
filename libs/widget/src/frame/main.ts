// The widget's UI, running in the frame on the service's own origin. Everything it shows from
// the API is inserted as text nodes or attribute values, never parsed as markup.
import {
  HELPFUL_TAGS,
  MISLEADING_REASONS,
  NOT_HELPFUL_TAGS,
  NOT_MISLEADING_REASONS,
  NOTE_TEXT_LIMIT,
  noteTextLength,
} from '@bridgenotes/protocol';

import {
  FrameEvent,
  MESSAGE_SOURCE,
  ProverRequest,
  ProverResponse,
  ProvenForApi,
  STYLE_VARS,
  StyleMessage,
} from '../shared/messages';
import { label, t } from './strings';

interface Community {
  id: string;
  slug: string;
  name: string;
  admission: 'OPEN' | 'INVITE' | 'CLOSED';
  scope: string;
}

interface SideTally {
  raters: number;
  helpful: number;
}

interface Note {
  id: string;
  classification: string;
  text: string;
  sources: string[];
  status: string;
  createdAt: string;
  deletedAt: string | null;
  score: { negativeFactorRaters?: SideTally; positiveFactorRaters?: SideTally } | null;
}

class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const params = new URLSearchParams(location.search);
const slug = params.get('community') ?? '';
const postUrl = params.get('post') ?? '';
const theme = params.get('theme') ?? 'auto';
const parentOrigin = validOrigin(params.get('parent'));
document.documentElement.dataset['theme'] = ['light', 'dark'].includes(theme) ? theme : 'auto';

function validOrigin(value: string | null): string | null {
  try {
    return value && new URL(value).origin === value ? value : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Talking to the host page: only to the origin that embedded us, and only when the browser
// agrees that it is our parent.

function tell(event: FrameEvent): void {
  const ancestors = location.ancestorOrigins;
  if (!parentOrigin || parent === window) return;
  if (ancestors && ancestors.length > 0 && ancestors[0] !== parentOrigin) return;
  parent.postMessage({ source: MESSAGE_SOURCE, ...event }, parentOrigin);
}

const SAFE_STYLE_VALUE = /^[\w\s#%.,'"()-]{1,120}$/;

addEventListener('message', (event: MessageEvent) => {
  if (event.source !== parent || event.origin !== parentOrigin) return;
  const data = event.data as (StyleMessage & { source?: string }) | null;
  if (!data || data.source !== MESSAGE_SOURCE || data.type !== 'style') return;
  for (const name of STYLE_VARS) {
    const value = data.vars?.[name];
    if (typeof value === 'string' && SAFE_STYLE_VALUE.test(value) && !/url\s*\(/i.test(value)) {
      document.documentElement.style.setProperty(name, value);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// DOM helpers: text only.

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child) element.append(child);
  }
  return element;
}

let uniqueId = 0;
const nextId = (prefix: string) => `${prefix}-${++uniqueId}`;

const app = document.getElementById('app') as HTMLElement;
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });

function say(message: string): void {
  status.textContent = message;
}

// ---------------------------------------------------------------------------------------------
// The API, on this frame's own origin.

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await response.json().catch(() => ({}))) as T & { code?: string; message?: string };
  if (!response.ok) throw new RequestError(body.code ?? 'HTTP_ERROR', body.message ?? 'error');
  return body;
}

const communityPath = () => `/communities/${encodeURIComponent(slug)}`;

// ---------------------------------------------------------------------------------------------
// The prover worker and the identity, which never leaves this origin.

let worker: Worker | undefined;
let calls = 0;
const pending = new Map<number, (response: ProverResponse) => void>();

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

function prover(request: WithoutId<ProverRequest>): Promise<ProverResponse & { ok: true }> {
  if (!worker) {
    worker = new Worker('/widget/prover.js');
    worker.onmessage = (event: MessageEvent<ProverResponse>) => {
      pending.get(event.data.id)?.(event.data);
      pending.delete(event.data.id);
    };
  }
  const id = ++calls;
  return new Promise((resolve, reject) => {
    pending.set(id, (response) =>
      response.ok ? resolve(response) : reject(new RequestError('PROVER', response.error)),
    );
    worker?.postMessage({ ...request, id });
  });
}

const memory = new Map<string, string>();
const store = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return memory.get(key) ?? null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      memory.set(key, value);
    }
  },
};
const IDENTITY_KEY = 'bridgenotes:identity';
const memberKey = () => `bridgenotes:member:${slug}`;

// ---------------------------------------------------------------------------------------------
// Reading.

function age(iso: string): string {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  const format = new Intl.RelativeTimeFormat(document.documentElement.lang || 'en', {
    numeric: 'auto',
  });
  if (Math.abs(minutes) < 60) return format.format(-minutes, 'minute');
  if (Math.abs(minutes) < 60 * 48) return format.format(-Math.round(minutes / 60), 'hour');
  if (Math.abs(minutes) < 60 * 24 * 60) return format.format(-Math.round(minutes / 1440), 'day');
  return format.format(-Math.round(minutes / 43_200), 'month');
}

function httpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

const share = (side: SideTally) =>
  side.raters > 0 ? Math.round((100 * side.helpful) / side.raters) : 0;

function whyShown(note: Note): string {
  const one = note.score?.negativeFactorRaters;
  const other = note.score?.positiveFactorRaters;
  if (!one || !other) return t('whyShown');
  return `${t('whyShown')}: ${t('sideShare', {
    share: share(one),
    count: one.raters,
    other: share(other),
    otherCount: other.raters,
  })}`;
}

function noteView(note: Note, shown: boolean): HTMLElement {
  const headingId = nextId('note');
  const links = note.sources.map(httpUrl).filter((url): url is URL => url !== null);
  return h(
    'article',
    { class: 'note', 'aria-labelledby': headingId },
    h(
      'h3',
      { id: headingId, class: 'kind' },
      note.classification === 'NOT_MISLEADING' ? t('notMisleading') : t('misleading'),
    ),
    h('p', { class: 'text' }, note.text),
    links.length > 0 &&
      h(
        'ul',
        { class: 'sources', 'aria-label': t('sources') },
        ...links.map((url) =>
          h(
            'li',
            {},
            h(
              'a',
              { href: url.href, rel: 'nofollow noopener ugc', target: '_blank' },
              url.host + (url.pathname === '/' ? '' : url.pathname),
            ),
          ),
        ),
      ),
    h(
      'p',
      { class: 'meta' },
      h('time', { datetime: note.createdAt }, age(note.createdAt)),
      shown && ` · ${whyShown(note)}`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Membership.

let community: Community;

function isMember(): boolean {
  return store.get(memberKey()) !== null && store.get(IDENTITY_KEY) !== null;
}

function button(text: string, onClick: () => void, attributes: Record<string, string> = {}) {
  const element = h('button', { type: 'button', ...attributes }, text);
  element.addEventListener('click', onClick);
  return element;
}

async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    say(t('failed', { message: (error as Error).message }));
    tell({ type: 'error', code: error instanceof RequestError ? error.code : 'ERROR' });
  }
}

function memberPanel(onChange: () => void): HTMLElement {
  const panel = h('section', { class: 'member', 'aria-label': t('member') });
  const backup = store.get(IDENTITY_KEY);
  if (!backup) {
    const restoreId = nextId('restore');
    const restoreText = h('textarea', { id: restoreId, rows: '3', spellcheck: 'false' });
    panel.append(
      h('p', {}, t('memberIntro')),
      button(t('createIdentity'), () =>
        guarded(async () => {
          const created = await prover({ type: 'create' });
          store.set(IDENTITY_KEY, created.backup as string);
          onChange();
        }),
      ),
      h(
        'details',
        {},
        h('summary', {}, t('restore')),
        h('label', { for: restoreId }, t('restoreLabel')),
        restoreText,
        button(t('restoreButton'), () =>
          guarded(async () => {
            await prover({ type: 'commitment', backup: restoreText.value.trim() });
            store.set(IDENTITY_KEY, restoreText.value.trim());
            onChange();
          }),
        ),
      ),
    );
    return panel;
  }
  if (isMember()) {
    const output = h('textarea', { readonly: true, rows: '3', 'aria-label': t('backup') });
    const reveal = h('div', { hidden: true }, h('p', {}, t('backupHint')), output);
    panel.append(
      h('p', {}, t('joined', { community: community.name })),
      button(t('backup'), () => {
        output.value = backup;
        reveal.hidden = false;
      }),
      reveal,
    );
    return panel;
  }
  if (community.admission === 'CLOSED') {
    panel.append(h('p', {}, t('closed')));
    return panel;
  }
  const inviteId = nextId('invite');
  const invite = h('input', { id: inviteId, autocomplete: 'off' });
  panel.append(
    h('p', {}, t('memberIntro')),
    ...(community.admission === 'INVITE'
      ? [h('label', { for: inviteId }, t('inviteLabel')), invite]
      : []),
    button(t('join', { community: community.name }), () =>
      guarded(async () => {
        const { commitment } = await prover({ type: 'commitment', backup });
        try {
          await api(`${communityPath()}/members`, {
            method: 'POST',
            body: { commitment, ...(invite.value ? { inviteCode: invite.value.trim() } : {}) },
          });
        } catch (error) {
          if (!(error instanceof RequestError && error.code === 'ALREADY_MEMBER')) throw error;
        }
        store.set(memberKey(), commitment as string);
        onChange();
      }),
    ),
  );
  return panel;
}

async function prove(
  kind: string,
  target: string,
  payload: { [key: string]: unknown },
): Promise<ProvenForApi> {
  say(t('proving'));
  const { proven } = await prover({
    type: 'prove',
    backup: store.get(IDENTITY_KEY) as string,
    community: { id: community.id, slug: community.slug, scope: community.scope },
    kind,
    target,
    payload,
  });
  return proven as ProvenForApi;
}

// ---------------------------------------------------------------------------------------------
// Rating and writing.

function choices(
  type: 'radio' | 'checkbox',
  name: string,
  legend: string,
  values: readonly string[],
): HTMLFieldSetElement {
  return h(
    'fieldset',
    {},
    h('legend', {}, legend),
    ...values.map((value) =>
      h('label', { class: 'choice' }, h('input', { type, name, value }), label(value)),
    ),
  );
}

const checked = (form: HTMLFormElement, name: string) =>
  [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map(
    (input) => input.value,
  );

const HELPFULNESS: Record<string, 'helpful' | 'somewhat' | 'notHelpful'> = {
  HELPFUL: 'helpful',
  SOMEWHAT_HELPFUL: 'somewhat',
  NOT_HELPFUL: 'notHelpful',
};

function tagsFor(helpfulness: string): readonly string[] {
  if (helpfulness === 'HELPFUL') return HELPFUL_TAGS;
  if (helpfulness === 'NOT_HELPFUL') return NOT_HELPFUL_TAGS;
  return [...new Set([...HELPFUL_TAGS, ...NOT_HELPFUL_TAGS])];
}

function ratingForm(note: Note): HTMLFormElement {
  const name = nextId('helpfulness');
  const tags = h('div', { class: 'tags' });
  const form = h(
    'form',
    { class: 'rate', 'aria-label': t('rateAs') },
    h(
      'fieldset',
      {},
      h('legend', {}, t('rateAs')),
      ...Object.entries(HELPFULNESS).map(([value, key]) =>
        h('label', { class: 'choice' }, h('input', { type: 'radio', name, value }), t(key)),
      ),
    ),
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
    guarded(async () => {
      const payload = { helpfulness, tags: checked(form, `${name}-tags`) };
      const proven = await prove('rating.put', `note:${note.id}`, payload);
      await api(`${communityPath()}/notes/${note.id}/rating`, {
        method: 'PUT',
        body: { ...payload, ...proven },
      });
      say(t('rated'));
      tell({ type: 'rated', noteId: note.id });
    });
  });
  return form;
}

function noteForm(): HTMLFormElement {
  const textId = nextId('text');
  const sourcesId = nextId('sources');
  const reasons = h('div', { class: 'reasons' });
  const text = h('textarea', { id: textId, rows: '4', required: true });
  const counter = h('p', { class: 'meta', 'aria-live': 'polite' }, `0/${NOTE_TEXT_LIMIT}`);
  const sources = h('textarea', { id: sourcesId, rows: '2', spellcheck: 'false' });
  const form = h(
    'form',
    { class: 'write', 'aria-label': t('writeNote') },
    choices('radio', 'classification', t('classification'), [
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
    if ((event.target as HTMLInputElement).name !== 'classification') return;
    const misleading = checked(form, 'classification')[0] !== 'NOT_MISLEADING';
    reasons.replaceChildren(
      choices(
        'checkbox',
        'reasons',
        t('reasons'),
        misleading ? MISLEADING_REASONS : NOT_MISLEADING_REASONS,
      ),
    );
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [classification] = checked(form, 'classification');
    if (!classification) return;
    guarded(async () => {
      const payload = {
        post: { url: postUrl },
        classification,
        reasons: checked(form, 'reasons'),
        text: text.value,
        sources: sources.value.split(/\s+/).filter(Boolean),
      };
      const proven = await prove('note.create', '', payload);
      const note = await api<Note>(`${communityPath()}/notes`, {
        method: 'POST',
        body: { ...payload, ...proven },
      });
      say(t('noted'));
      tell({ type: 'noted', noteId: note.id });
    });
  });
  return form;
}

// ---------------------------------------------------------------------------------------------

/**
 * Community Notes' "request a note": a member asks for a note on this post (once per pseudonym;
 * asking again counts nothing), which puts it in the writers' list of requested posts.
 */
function requestPanel(requestCount: number, onRequested: (count: number) => void): HTMLElement {
  const count = h('p', {}, t('requestCount', { count: requestCount }));
  const ask = button(t('requestNote'), () =>
    guarded(async () => {
      const payload = { post: { url: postUrl } };
      const proven = await prove('note.request', '', payload);
      const stored = await api<{ postRequestCount: number }>(`${communityPath()}/note-requests`, {
        method: 'POST',
        body: { ...payload, ...proven },
      });
      count.textContent = t('requestCount', { count: stored.postRequestCount });
      onRequested(stored.postRequestCount);
      say(t('requested'));
      tell({ type: 'requested', requests: stored.postRequestCount });
    }),
  );
  return h('div', { class: 'request' }, count, ask);
}

function contribute(toRate: Note[], requestCount: number): HTMLElement {
  const section = h('section', { class: 'contribute', hidden: true, id: nextId('contribute') });
  // Kept across renders (joining or restoring re-renders the section).
  let requests = requestCount;
  const render = (): void => {
    const member = isMember();
    section.replaceChildren(
      memberPanel(render),
      h('h3', {}, t('helpRate', { count: toRate.length })),
      h('p', {}, toRate.length > 0 ? t('needsRatings') : t('noneToRate')),
      ...toRate.map((note) => {
        const view = noteView(note, false);
        if (member) view.append(ratingForm(note));
        return view;
      }),
      ...(member
        ? [
            requestPanel(requests, (count) => {
              requests = count;
            }),
            h('h3', {}, t('writeNote')),
            noteForm(),
          ]
        : []),
    );
  };
  render();
  return section;
}

async function start(): Promise<void> {
  app.replaceChildren(h('h2', { id: 'heading' }, t('heading')), status);
  app.setAttribute('aria-labelledby', 'heading');
  say(t('loading'));
  new ResizeObserver(() =>
    tell({ type: 'resize', height: Math.ceil(app.getBoundingClientRect().height) }),
  ).observe(app);

  let notes: Note[] = [];
  let requestCount = 0;
  try {
    community = await api<Community>(communityPath());
    ({ notes, requestCount } = await api<{ notes: Note[]; post: { requestCount: number } }>(
      `/posts?${new URLSearchParams({ url: postUrl, community: slug })}`,
    ).then(
      (body) => ({ notes: body.notes, requestCount: body.post.requestCount }),
      (error) => {
        if (error instanceof RequestError && error.code === 'POST_NOT_FOUND') {
          return { notes: [], requestCount: 0 };
        }
        throw error;
      },
    ));
  } catch (error) {
    say(t('loadFailed'));
    tell({ type: 'error', code: error instanceof RequestError ? error.code : 'ERROR' });
    return;
  }
  const live = notes.filter((note) => note.deletedAt === null);
  const helpful = live.filter((note) => note.status === 'CURRENTLY_RATED_HELPFUL');
  const toRate = live.filter((note) => note.status === 'NEEDS_MORE_RATINGS');
  say(helpful.length > 0 ? '' : t('noHelpful'));

  const section = contribute(toRate, requestCount);
  const toggle = button(t('helpRate', { count: toRate.length }), () => {
    section.hidden = !section.hidden;
    toggle.setAttribute('aria-expanded', String(!section.hidden));
    toggle.textContent = section.hidden ? t('helpRate', { count: toRate.length }) : t('hideRate');
  });
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', section.id);
  app.append(
    h(
      'div',
      { class: 'notes', role: 'list' },
      ...helpful.map((note) => {
        const view = noteView(note, true);
        view.setAttribute('role', 'listitem');
        return view;
      }),
    ),
    toggle,
    section,
  );
  tell({ type: 'ready', notes: live.length, helpful: helpful.length });
}

void start();
