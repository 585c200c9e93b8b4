import { api, ApiFailure, communityPath } from '../api';
import { commitmentProblem } from '../commitments';
import { field, formValues, h } from '../dom';
import type { Community, Context } from '../context';

interface MembershipChange {
  leafIndex: number | null;
  root: string;
  size: number;
}

/** Kept outside the forms: the view is redrawn after a change, and the outcome shown after it. */
const OUTCOME = 'members-outcome';

function showOutcome(...children: HTMLElement[]): void {
  document.getElementById(OUTCOME)?.replaceChildren(...children);
}

const list = (label: string, commitments: string[]) =>
  h(
    'div',
    {},
    h('p', {}, `${label} (${commitments.length}):`),
    h('ul', {}, ...commitments.map((commitment) => h('li', {}, h('code', {}, commitment)))),
  );

/**
 * The operator's (the batch and removal routes take the operator key only): adds members by
 * identity commitment, as a member's widget or extension shows it, and removes one. Commitments
 * only: nothing here ever names a pseudonym.
 */
export function memberForms(context: Context, community: Community): HTMLElement[] {
  return [addForm(context, community), removeForm(context, community)];
}

function addForm(context: Context, community: Community): HTMLElement {
  const form = h(
    'form',
    { 'aria-labelledby': 'add-members-title' },
    h('h3', { id: 'add-members-title' }, 'Members'),
    field(
      'Identity commitments',
      h('textarea', { name: 'commitments', rows: 4, required: true }),
      'One per line, as the member’s widget or extension shows it',
    ),
    h('button', { type: 'submit' }, 'Add members'),
    h('output', { id: OUTCOME, class: 'codes' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const lines = (formValues(form)['commitments'] ?? '').split('\n').map((line) => line.trim());
    const problems = lines.flatMap((line, index) => {
      const problem = line ? commitmentProblem(line) : null;
      return problem
        ? [new ApiFailure(400, problem.code, `line ${index + 1} ${problem.message}`)]
        : [];
    });
    if (problems.length > 0) {
      // Nothing is sent: the API would refuse the batch whole for any one of them.
      showOutcome(
        h('ul', {}, ...problems.map(({ code, message }) => h('li', {}, `${code}: ${message}`))),
      );
      void context.act('', () => Promise.reject(problems[0]));
      return;
    }
    const commitments = [...new Set(lines.filter(Boolean))];
    let summary = '';
    void context.act(
      () => summary,
      async () => {
        // The group is public: members already in it are told apart before the batch, which
        // the API would refuse whole (ALREADY_MEMBER) for any one of them.
        const group = await api<{ leaves: string[] }>(
          'GET',
          communityPath(community.slug, '/group/leaves'),
        );
        const inGroup = new Set(group.leaves);
        const already = commitments.filter((commitment) => inGroup.has(commitment));
        const fresh = commitments.filter((commitment) => !inGroup.has(commitment));
        const added = fresh.length
          ? await api<MembershipChange>('POST', communityPath(community.slug, '/members/batch'), {
              commitments: fresh,
            }).catch((error: unknown) => {
              refused(error);
              throw error;
            })
          : undefined;
        summary = `${fresh.length} added, ${already.length} already members${added ? `; the group has ${added.size} leaves now` : ''}`;
        await context.reload(community.slug, 'add-members-title');
        showOutcome(
          ...(fresh.length ? [list('Added', fresh)] : []),
          ...(already.length ? [list('Already members', already)] : []),
        );
      },
    );
  });
  return form;
}

/** The commitments the API named in refusing a batch (a removed one, or one joined meanwhile). */
function refused(error: unknown): void {
  const details = error instanceof ApiFailure ? error.details : undefined;
  const named = (details as { commitments?: string[] } | undefined)?.commitments;
  if (error instanceof ApiFailure && named) {
    showOutcome(list(`Nothing added: ${error.code} for`, named));
  }
}

function removeForm(context: Context, community: Community): HTMLElement {
  const form = h(
    'form',
    { 'aria-labelledby': 'remove-member-title' },
    h('h3', { id: 'remove-member-title' }, 'Remove a member'),
    field('Identity commitment', h('input', { name: 'commitment', required: true })),
    h('button', { type: 'submit' }, 'Remove'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const commitment = (formValues(form)['commitment'] ?? '').trim();
    const problem = commitmentProblem(commitment);
    if (problem) {
      const refusal = new ApiFailure(400, problem.code, `commitment ${problem.message}`);
      void context.act('', () => Promise.reject(refusal));
      return;
    }
    // Removal cannot be undone (docs/moderation.md, Members): say what it does, once more.
    const confirmed = window.confirm(
      `Remove ${commitment} from ${community.slug}? Its leaf becomes 0 under a new root: this identity can no longer rate, write, request notes, report or invite here once the roots from before have left the proof window (ROOT_HISTORY_WINDOW_SECONDS, an hour by default), and it can never join again. What it wrote and rated stays and keeps counting. This cannot be undone.`,
    );
    if (!confirmed) return;
    let summary = '';
    void context.act(
      () => summary,
      async () => {
        const change = await api<MembershipChange>(
          'DELETE',
          communityPath(community.slug, `/members/${commitment}`),
        );
        summary = `Member removed: leaf ${change.leafIndex} is 0 now, under a new root`;
        await context.reload(community.slug, 'remove-member-title');
      },
    );
  });
  return form;
}
