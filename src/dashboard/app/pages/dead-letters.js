// A fn's dead letters: detached calls that gave up retrying, each with a button that queues it again.
import { json } from '../api.js';
import { h, replace, table, empty, failure } from '../dom.js';
import { fnHeader, statusBadge } from '../components.js';
import { formatTime, formatAgo } from '../format.js';
import { loadFn } from './fn.js';

export async function render(ctx, fnId) {
  const { fn, app } = await loadFn(fnId, ctx.signal);
  ctx.title(`Dead letters of ${fn.name}`);
  const answer = await json(`/v2/fns/${encodeURIComponent(fn.id)}/calls?dead_letter=true&per_page=100`, { signal: ctx.signal });
  const notice = h('div', { 'aria-live': 'polite' });
  return [
    fnHeader(fn, app, 'dead-letters'),
    notice,
    answer.items.length
      ? [
        h('p', { class: 'muted' }, 'Detached calls that failed every attempt (the fn\'s fnsharp.io/async-retries) or passed the maximum event age. Redrive queues a call again, due now, with its attempts reset.'),
        table([
          { label: 'Call', cell: c => h('a', { href: `#/fns/${encodeURIComponent(fn.id)}/calls/${encodeURIComponent(c.id)}` }, h('code', {}, c.id)) },
          { label: 'Created', cell: c => h('time', { datetime: c.created_at, title: formatTime(c.created_at) }, formatAgo(c.created_at)) },
          { label: 'Status', cell: c => statusBadge(c.status) },
          { label: 'Error', cell: c => c.error ?? '—', class: 'opt' },
          { label: 'Attempts', cell: c => String(c.attempts), class: 'num opt' },
          { label: 'Redrive', cell: c => redriveButton(fn, c, button => {
            replace(notice, h('p', { class: 'ok-box' }, 'Call ', h('code', {}, c.id), ' was queued again.'));
            button.closest('tr').remove();
          }) },
        ], answer.items, { caption: 'Dead letters' }),
        answer.next_cursor ? h('p', { class: 'muted' }, 'The 100 newest are shown; redrive some to see older ones.') : null,
      ]
      : empty('No dead letters: a detached call becomes one when every attempt the fn allows (fnsharp.io/async-retries, 0 by default) has failed, or when it outlives FN_ASYNC_MAX_EVENT_AGE_SECS.'),
  ];
}

/** A button that re-drives the dead letter `call`, then calls `done(button)`. */
export function redriveButton(fn, call, done) {
  const button = h('button', { type: 'button', class: 'primary', 'aria-label': `Redrive call ${call.id}` }, 'Redrive');
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Redriving…';
    try {
      await json(`/v2/fns/${encodeURIComponent(fn.id)}/calls/${encodeURIComponent(call.id)}/redrive`, { method: 'POST' });
      done(button);
    } catch (error) {
      button.replaceWith(failure(error));
    }
  });
  return button;
}
