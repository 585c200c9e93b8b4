import { api, ApiFailure, communityPath } from '../api';
import { field, focusOn, formValues, h, loaded, row, select, table } from '../dom';
import type { Community, Context } from '../context';
import {
  proofMinMembersHint,
  proofMinMembersText,
  proofMinMembersValue,
} from '../proof-min-members';
import { memberForms } from './member-forms';

const ADMISSIONS = ['OPEN', 'INVITE', 'CREDENTIAL', 'CLOSED'] as const;

const origins = (text: string) =>
  text
    .split(/\s+/)
    .map((origin) => origin.trim())
    .filter(Boolean);

/** The operator's: every community, a new one, and the chosen one's settings, members and keys. */
export async function communitiesView(context: Context): Promise<HTMLElement> {
  const list = table(
    'Communities',
    ['slug', 'name', 'admission', 'leaves'],
    context.communities.map((c) => [c.slug, c.name, c.admission, c.treeSize]),
  );
  const create = h(
    'form',
    { 'aria-labelledby': 'create-title' },
    h('h3', { id: 'create-title' }, 'Create a community'),
    field(
      'Slug',
      h('input', { name: 'slug', required: true, pattern: '[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?' }),
      'Lowercase letters, digits, inner dashes; never changes',
    ),
    field('Name', h('input', { name: 'name', required: true, maxlength: 120 })),
    field('Admission', select('admission', ADMISSIONS, 'INVITE')),
    field(
      'Embed origins',
      h('textarea', { name: 'embedOrigins', rows: 2 }),
      'One origin per line, as scheme://host[:port]',
    ),
    h('button', { type: 'submit' }, 'Create'),
  );
  create.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(create);
    void context.act(`Community ${v['slug']} created`, async () => {
      await api('POST', '/communities', {
        slug: v['slug'],
        name: v['name'],
        admission: v['admission'],
        embedOrigins: origins(v['embedOrigins'] ?? ''),
      });
      // The new community's settings: what an operator sets next.
      await context.reload(v['slug'], 'settings-title');
    });
  });
  const chosen = context.community;
  return h(
    'section',
    { 'aria-labelledby': 'communities-title' },
    h('h2', { id: 'communities-title' }, 'Communities'),
    list,
    create,
    chosen ? settings(context, chosen) : null,
    chosen ? invites(context, chosen) : null,
    ...(chosen ? memberForms(context, chosen) : []),
    chosen ? await moderatorKeys(context, chosen) : null,
  );
}

function settings(context: Context, community: Community): HTMLElement {
  const form = h(
    'form',
    { 'aria-labelledby': 'settings-title' },
    h('h3', { id: 'settings-title' }, `Settings of ${community.slug}`),
    field('Admission', select('admission', ADMISSIONS, community.admission)),
    field(
      'Embed origins',
      h('textarea', { name: 'embedOrigins', rows: 3 }, community.embedOrigins.join('\n')),
      'One origin per line, as scheme://host[:port]',
    ),
    field(
      'Smallest group for proofs',
      h('input', {
        name: 'proofMinMembers',
        inputmode: 'numeric',
        value: proofMinMembersText(community),
      }),
      proofMinMembersHint(community),
    ),
    h('button', { type: 'submit' }, 'Save'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    const minimum = proofMinMembersValue(v['proofMinMembers'] ?? '');
    if ('problem' in minimum) {
      // Nothing is sent: the API would refuse the whole change for it.
      const { code, message } = minimum.problem;
      void context.act('', () => Promise.reject(new ApiFailure(400, code, message)));
      return;
    }
    void context.act(`Settings of ${community.slug} saved`, async () => {
      await api('PATCH', communityPath(community.slug), {
        admission: v['admission'],
        embedOrigins: origins(v['embedOrigins'] ?? ''),
        proofMinMembers: minimum.value,
      });
      await context.reload(community.slug, 'settings-title');
    });
  });
  return form;
}

function invites(context: Context, community: Community): HTMLElement {
  const out = h('output', { class: 'codes' });
  const form = h(
    'form',
    { 'aria-labelledby': 'invites-title' },
    h('h3', { id: 'invites-title' }, 'Invite codes'),
    field('How many', h('input', { name: 'count', type: 'number', min: 1, max: 100, value: 1 })),
    field(
      'Valid for (hours)',
      h('input', { name: 'expiresInHours', type: 'number', min: 1, max: 720, value: 168 }),
    ),
    h('button', { type: 'submit' }, 'Issue'),
    out,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    void context.act('Invite codes issued (shown once)', async () => {
      const made = await api<{ codes: string[]; expiresAt: string }>(
        'POST',
        communityPath(community.slug, '/invites'),
        {
          count: Number(v['count']),
          expiresInHours: Number(v['expiresInHours']),
        },
      );
      out.replaceChildren(
        h('p', {}, `Until ${made.expiresAt}:`),
        h('ul', {}, ...made.codes.map((code) => h('li', {}, h('code', {}, code)))),
      );
    });
  });
  return form;
}

interface ModeratorKey {
  id: string;
  label: string;
  createdDay: string;
  revoked: boolean;
}

/**
 * The keys, each with its Revoke button, and a form to issue one. Both change the list in place
 * (no redraw), so that a new key's secret, shown once, stays while its row and button appear.
 */
async function moderatorKeys(context: Context, community: Community): Promise<HTMLElement> {
  const path = communityPath(community.slug, '/moderator-keys');
  const keyRow = (key: ModeratorKey) => {
    const revoke: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        onclick: () =>
          void context.act(`Key ${key.id} revoked`, async () => {
            await api('DELETE', `${path}/${encodeURIComponent(key.id)}`);
            const cell = revoke.parentElement;
            revoke.replaceWith('revoked');
            focusOn(cell);
          }),
      },
      `Revoke ${key.label}`,
    );
    return row([
      h('code', {}, key.id),
      key.label,
      key.createdDay,
      key.revoked ? 'revoked' : revoke,
    ]);
  };
  // A failed read is not an empty list, which would hide a key to revoke.
  const list = await loaded(
    context,
    'The moderator keys',
    () => api<ModeratorKey[]>('GET', path),
    (items) => {
      const keys = table('Moderator keys of this community', ['key id', 'label', 'issued', ''], []);
      keys.tBodies[0]?.append(...items.map(keyRow));
      return keys;
    },
  );
  const out = h('output', { class: 'codes' });
  const form = h(
    'form',
    { 'aria-labelledby': 'keys-title' },
    h('h3', { id: 'keys-title' }, 'Moderator keys'),
    list,
    field(
      'Label',
      h('input', { name: 'label', required: true, maxlength: 120 }),
      'Who holds it, for your records',
    ),
    h('button', { type: 'submit' }, 'Issue a moderator key'),
    out,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    void context.act('Moderator key issued (shown once: hand it over now)', async () => {
      const made = await api<ModeratorKey & { secret: string }>('POST', path, {
        label: v['label'],
      });
      out.replaceChildren(
        h('p', {}, `Key ${made.id}, shown once: `),
        h('code', { class: 'secret' }, made.secret),
      );
      // Into the list as it is (one that failed to load shows it once read again).
      form.querySelector('tbody')?.append(keyRow(made));
    });
  });
  return form;
}
