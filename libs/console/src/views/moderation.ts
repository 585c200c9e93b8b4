import { api, communityPath } from '../api';
import { busyButton, field, focusOn, formValues, h, loaded, row, select, table } from '../dom';
import type { Community, Context } from '../context';
import { MODERATION_ACTIONS, reasonsFor } from '../moderation-codes';

const ACTIONS = MODERATION_ACTIONS;

/**
 * A group of the queue: one reported note, what it says and how it was reported. The queue holds
 * only notes still shown (not deleted, hidden or redacted) with a report since the last action.
 */
interface ReportedNote {
  note: {
    id: string;
    postUrl: string | null;
    text: string;
    sources: string[];
    status: string;
    authorPseudonym: string;
    authorBlocked: boolean;
  };
  reportCount: number;
  reasons: Record<string, number>;
  texts: string[];
  lastDay: string;
}

interface QueuePage {
  items: ReportedNote[];
  nextCursor: string | null;
}

interface LogEntry {
  seq: number;
  action: string;
  target: string;
  reasonCode: string;
  moderatorKeyId: string;
  day: string;
  hash: string;
}

interface LogPage {
  items: LogEntry[];
  nextBefore: number | null;
}

/** Log entries a page shows: the latest decisions, where a moderator looks for a note to restore. */
const LOG_PAGE = 50;

const reasonsText = (reasons: Record<string, number>) =>
  Object.entries(reasons)
    .map(([reason, count]) => `${reason} × ${count}`)
    .join(', ');

/** The queue (reports grouped by note), one action form per note, and the public log. */
export async function moderationView(context: Context): Promise<HTMLElement> {
  const community = context.community;
  const section = h(
    'section',
    { 'aria-labelledby': 'moderation-title' },
    h('h2', { id: 'moderation-title' }, 'Moderation'),
  );
  if (!community) return section;
  section.append(
    h('h3', {}, `Reports in ${community.slug}`),
    // A failed read is not an empty queue.
    await loaded(
      context,
      'The reports',
      () => queuePage(community.slug),
      (first) => {
        const queue = h('div', { class: 'queue' });
        if (!first.items.length) queue.append(h('p', {}, 'No open reports.'));
        appendQueue(context, community, queue, first);
        return queue;
      },
    ),
  );
  section.append(actionForm(context, community, 'Act on a note or a pseudonym', {}));
  section.append(await logTable(context, community));
  return section;
}

/**
 * The public log, newest first: the API reads it back from the latest entry (`order=newest`), so
 * the first page is one read however long the log is; "Older entries" follows `nextBefore`.
 */
async function logTable(context: Context, community: Community): Promise<HTMLElement> {
  const read = (before: number | null) => () =>
    api<LogPage>(
      'GET',
      communityPath(
        community.slug,
        `/moderation/log?order=newest&limit=${LOG_PAGE}${before ? `&before=${before}` : ''}`,
      ),
    );
  return loaded(context, 'The moderation log', read(null), (first) => {
    const log = table(
      'Public moderation log (newest first)',
      ['#', 'time', 'action', 'target', 'reason', 'moderator key', 'hash'],
      [],
    );
    let before: number | null = null;
    /** Adds a page's entries; the first of them, to take focus. */
    const append = (page: LogPage) => {
      const rows = page.items.map((entry) =>
        row([
          entry.seq,
          entry.day,
          entry.action,
          h('code', {}, entry.target),
          entry.reasonCode,
          h('code', {}, entry.moderatorKeyId),
          h('code', {}, entry.hash.slice(0, 12)),
        ]),
      );
      log.tBodies[0]?.append(...rows);
      before = page.nextBefore;
      older.hidden = before === null;
      return rows[0];
    };
    // A failed read of older entries keeps the button, to ask again (the status says why);
    // read ones take focus, where the keyboard goes on reading.
    const older = busyButton('Older entries', async () => {
      const page = await context.load(read(before));
      if (page) focusOn(append(page));
    });
    append(first);
    return h('div', { class: 'log' }, log, older);
  });
}

const queuePage = (slug: string, cursor?: string) =>
  api<QueuePage>(
    'GET',
    communityPath(slug, `/moderation/reports${cursor ? `?cursor=${cursor}` : ''}`),
  );

/**
 * Shows a page of the queue, and a button for the next one while there is more; returns the
 * page's first note.
 */
function appendQueue(
  context: Context,
  community: Community,
  queue: HTMLElement,
  page: QueuePage,
): HTMLElement | undefined {
  const notes = page.items.map((group) => reportedNote(context, community, group));
  queue.append(...notes);
  const cursor = page.nextCursor;
  if (cursor) {
    // A failed page keeps the button, to ask again (the status says why); the next page's first
    // note takes focus, where the keyboard goes on reading.
    const more = busyButton('More reports', async () => {
      const next = await context.load(() => queuePage(community.slug, cursor));
      if (!next) return;
      more.remove();
      focusOn(appendQueue(context, community, queue, next) ?? queue.lastElementChild);
    });
    queue.append(more);
  }
  return notes[0];
}

const noteElementId = (id: string) => `note-${id}`;

function reportedNote(context: Context, community: Community, group: ReportedNote): HTMLElement {
  const { note } = group;
  return h(
    'article',
    { class: 'report', id: noteElementId(note.id), 'aria-label': `Reported note ${note.id}` },
    h('h4', {}, `Note ${note.id}`),
    // The post and the sources as text, never links: a moderator reads where they lead (a page
    // that doxxes someone is a reason to act) without the console opening them.
    note.postUrl ? h('p', {}, 'On the post ', h('code', {}, note.postUrl)) : null,
    h('p', { class: 'note-text' }, note.text),
    note.sources.length
      ? h(
          'ul',
          { 'aria-label': 'Sources the note cites' },
          ...note.sources.map((source) => h('li', {}, h('code', {}, source))),
        )
      : null,
    h('p', {}, `Status: ${note.status}${note.authorBlocked ? ' · author blocked' : ''}`),
    h(
      'p',
      {},
      `${group.reportCount} reports (last on ${group.lastDay}): ${reasonsText(group.reasons)}`,
    ),
    group.texts.length
      ? h(
          'ul',
          { 'aria-label': 'What reporters wrote' },
          ...group.texts.map((text) => h('li', {}, text)),
        )
      : null,
    actionForm(context, community, `Act on note ${note.id}`, {
      noteId: note.id,
      pseudonym: note.authorPseudonym,
    }),
  );
}

let forms = 0;
function actionForm(
  context: Context,
  community: Community,
  title: string,
  target: { noteId?: string; pseudonym?: string },
): HTMLElement {
  forms += 1;
  const titleId = `action-${forms}`;
  const noteId = target.noteId;
  // Only the reasons that fit the chosen action (the API refuses the others): a report reason to
  // act on a report, REVIEWED to undo an action or dismiss reports.
  const actions = select('action', ACTIONS);
  const reasons = select('reasonCode', reasonsFor(actions.value));
  actions.addEventListener('change', () =>
    reasons.replaceChildren(
      ...reasonsFor(actions.value).map((code) => h('option', { value: code }, code)),
    ),
  );
  const form = h(
    'form',
    { class: 'action', 'aria-labelledby': titleId },
    h('h4', { id: titleId }, title),
    field('Action', actions),
    field('Reason code', reasons, 'Goes into the public log'),
    noteId
      ? h('input', { type: 'hidden', name: 'noteId', value: noteId })
      : field('Note id', h('input', { name: 'noteId' }), 'For hide, restore, redact, dismiss'),
    field(
      'Pseudonym',
      h('input', { name: 'pseudonym', value: target.pseudonym ?? '' }),
      'For block and unblock: the author',
    ),
    h('button', { type: 'submit' }, 'Apply'),
    // A reported note found harmless: its reports leave the queue, the note stays as it is.
    noteId
      ? h(
          'button',
          {
            type: 'button',
            onclick: () =>
              send(context, community, { action: 'DISMISS', noteId, reasonCode: 'REVIEWED' }),
          },
          'Dismiss',
        )
      : null,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    const action = v['action'] ?? '';
    const onPseudonym = action === 'BLOCK' || action === 'UNBLOCK';
    send(
      context,
      community,
      onPseudonym
        ? { action, pseudonym: v['pseudonym'], reasonCode: v['reasonCode'] }
        : { action, noteId: v['noteId'], reasonCode: v['reasonCode'] },
      // The note whose form this is: a block by its author's pseudonym names no note.
      noteId ?? v['noteId'],
    );
  });
  return form;
}

function send(
  context: Context,
  community: Community,
  body: { action: string; noteId?: string; pseudonym?: string; reasonCode?: string },
  note = body.noteId,
): void {
  // A moderation action is public and some cannot be undone (a redaction): ask once more.
  if (!window.confirm(`${body.action} ${body.pseudonym ?? body.noteId} for ${body.reasonCode}?`)) {
    return;
  }
  void context.act(`${body.action} recorded in the public log`, async () => {
    await api('POST', communityPath(community.slug, '/moderation/actions'), body);
    // Focus goes back to the note acted on, or the view's heading once it has left the queue.
    await context.reload(community.slug, note ? noteElementId(note) : undefined);
  });
}
