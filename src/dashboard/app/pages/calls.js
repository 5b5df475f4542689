// A fn's calls, newest first, filtered by status and time (the filters live in the address).
import { json, query } from '../api.js';
import { h, replace, table, empty, failure } from '../dom.js';
import { fnHeader, statusBadge, startKindBadge, origin } from '../components.js';
import { formatTime, formatAgo, formatMs, between, localInputToUnix } from '../format.js';
import { setParams } from '../router.js';
import { loadFn } from './fn.js';

const STATUSES = ['queued', 'running', 'success', 'error', 'timeout', 'cancelled'];

export async function render(ctx, fnId) {
  const { fn, app } = await loadFn(fnId, ctx.signal);
  ctx.title(`Calls of ${fn.name}`);
  const status = h('select', { id: 'calls-status', name: 'status' },
    h('option', { value: '' }, 'Any status'), STATUSES.map(s => h('option', { value: s }, s)));
  const from = h('input', { id: 'calls-from', name: 'from', type: 'datetime-local', step: '1' });
  const to = h('input', { id: 'calls-to', name: 'to', type: 'datetime-local', step: '1' });
  status.value = ctx.params.get('status') ?? '';
  from.value = ctx.params.get('from') ?? '';
  to.value = ctx.params.get('to') ?? '';
  const results = h('div', { 'aria-live': 'polite' });

  const load = async () => {
    setParams({ status: status.value, from: from.value, to: to.value });
    replace(results, h('p', { class: 'muted' }, 'Loading calls…'));
    const filters = { status: status.value, from_time: localInputToUnix(from.value), to_time: localInputToUnix(to.value) };
    const rows = [];
    const more = h('div', { class: 'more' });
    const body = h('div');
    const page = async cursor => {
      results.setAttribute('aria-busy', 'true');
      try {
        const answer = await json(`/v2/fns/${encodeURIComponent(fn.id)}/calls${query({ ...filters, per_page: 50, cursor })}`, { signal: ctx.signal });
        rows.push(...answer.items);
        replace(body, rows.length ? callsTable(fn, rows) : noCalls(fn, Boolean(filters.status || filters.from_time || filters.to_time)));
        replace(more, answer.next_cursor ? h('button', { type: 'button', onclick: () => page(answer.next_cursor) }, 'Load more') : null);
      } catch (error) {
        if (!ctx.signal.aborted) replace(more, failure(error, () => page(cursor)));
      }
      results.setAttribute('aria-busy', 'false');
    };
    replace(results, body, more);
    await page(null);
  };

  for (const input of [status, from, to]) input.addEventListener('change', load);
  const filters = h('form', { class: 'filters', onsubmit: event => { event.preventDefault(); load(); } },
    h('span', { class: 'field' }, h('label', { for: 'calls-status' }, 'Status'), status),
    h('span', { class: 'field' }, h('label', { for: 'calls-from' }, 'From'), from),
    h('span', { class: 'field' }, h('label', { for: 'calls-to' }, 'To'), to),
    h('button', { type: 'submit' }, 'Refresh'),
    h('button', { type: 'button', onclick: () => { status.value = ''; from.value = ''; to.value = ''; load(); } }, 'Clear'));
  load();
  return [fnHeader(fn, app, 'calls'), filters, results];
}

function noCalls(fn, filtered) {
  return filtered
    ? empty('No calls match these filters. Widen the time range or choose another status.')
    : empty('No calls yet: invoke it from the Overview tab, or with', `curl -X POST ${origin()}/invoke/${fn.id} -d '{}'`);
}

function callsTable(fn, rows) {
  const link = c => h('a', { href: `#/fns/${encodeURIComponent(fn.id)}/calls/${encodeURIComponent(c.id)}` }, h('code', {}, c.id));
  return table([
    { label: 'Call', cell: link },
    { label: 'Created', cell: c => h('time', { datetime: c.created_at, title: formatTime(c.created_at) }, formatAgo(c.created_at)) },
    { label: 'Status', cell: c => statusBadge(c.status, c.dead_letter) },
    { label: 'Start', cell: c => startKindBadge(c.start_kind) },
    { label: 'Duration', cell: c => formatMs(between(c.created_at, c.completed_at)), class: 'num' },
    { label: 'Code', cell: c => c.status_code ? String(c.status_code) : '—', class: 'num opt' },
    { label: 'Type', cell: c => c.type, class: 'opt' },
    { label: 'Attempts', cell: c => String(c.attempts), class: 'num opt' },
  ], rows, { caption: 'Calls', rowClass: c => c.status === 'error' || c.status === 'timeout' ? 'row-bad' : null });
}
