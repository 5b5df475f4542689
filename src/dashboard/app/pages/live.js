// The live view of the node or of one fn: the last minute in figures, the last minutes in charts,
// read from GET /v2/stats (or /v2/fns/{id}/stats) once a second (only the seconds since the last answer), paused while the
// tab is hidden.
import { json, query } from '../api.js';
import { h, replace, table, empty, failure } from '../dom.js';
import { fnHeader, origin } from '../components.js';
import { formatMs, formatMiB, formatRate, formatClock } from '../format.js';
import { timeChart } from '../charts.js';
import { fnsList } from '../lookup.js';
import { loadFn } from './fn.js';

const POLL_MS = 1000;
const COLUMNS = ['t', 'calls', 'errors', 'p50_ms', 'p99_ms', 'wait_p99_ms', 'idle', 'busy', 'starting', 'waiting', 'memory_reserved_mib'];

export async function renderNode(ctx) {
  ctx.title('Live');
  const fns = await fnsList().catch(() => null);
  const view = liveView(ctx, null, fns);
  return [h('header', { class: 'page-head' }, h('h1', {}, 'Live'), view.subtitle), view.node];
}

export async function renderFn(ctx, fnId) {
  const { fn, app } = await loadFn(fnId, ctx.signal);
  ctx.title(`Live: ${fn.name}`);
  const view = liveView(ctx, fn, null);
  return [fnHeader(fn, app, 'live'), view.subtitle, view.node];
}

function liveView(ctx, fn, fns) {
  const subtitle = h('p', { class: 'muted live-status', 'aria-live': 'off' }, 'Connecting…');
  const cards = h('div', { class: 'cards' });
  const note = h('div');
  const active = h('section', { 'aria-labelledby': 'live-fns' });
  const charts = [
    timeChart({ title: 'Calls per second', series: [{ label: 'calls', color: '--chart-1', fill: true }, { label: 'errors', color: '--chart-bad' }], format: v => String(+v.toFixed(2)), integer: true }),
    timeChart({ title: 'Time in a container (ms)', series: [{ label: 'p50', color: '--chart-1', points: true }, { label: 'p99', color: '--chart-2', points: true }, { label: 'wait p99', color: '--chart-3', points: true }], format: v => formatMs(v) }),
    timeChart({ title: 'Containers', series: [{ label: 'idle', color: '--chart-4', fill: true }, { label: 'busy', color: '--chart-1', fill: true }, { label: 'starting', color: '--chart-3' }, { label: 'waiting calls', color: '--chart-bad' }], format: v => String(Math.round(v)), integer: true }),
    timeChart({ title: fn ? 'Memory of its containers (MiB)' : 'Memory reserved (MiB)', series: [{ label: 'reserved', color: '--chart-2', fill: true }], format: v => formatMiB(Math.round(v)) }),
  ];
  const series = Object.fromEntries(COLUMNS.map(c => [c, []]));
  let last = null;
  let timer = null;
  let stopped = false;

  const draw = stats => {
    for (const c of COLUMNS) series[c].push(...(stats.series[c] ?? []));
    const keep = series.t.length - stats.window_secs;
    if (keep > 0) for (const c of COLUMNS) series[c].splice(0, keep);
    last = stats.now ?? last;
    charts[0].setData([series.t, series.calls, series.errors]);
    charts[1].setData([series.t, series.p50_ms, series.p99_ms, series.wait_p99_ms]);
    charts[2].setData([series.t, series.idle, series.busy, series.starting, series.waiting]);
    charts[3].setData([series.t, series.memory_reserved_mib]);
    replace(cards, summaryCards(stats.summary, fn));
    subtitle.textContent = stats.now
      ? `Node ${stats.node} · last ${Math.round(series.t.length / 60 * 10) / 10} min, one point a second · updated ${formatClock(stats.now)}`
      : `Node ${stats.node} · collecting the first second…`;
    const s = stats.summary;
    const idle = !s.calls && !(s.idle + s.busy + s.starting + s.waiting);
    replace(note, idle
      ? empty(fn
        ? 'No calls in the last minute: invoke it from the Overview tab, or with'
        : 'No calls in the last minute on this node: invoke a fn, for example with',
      `curl -X POST ${origin()}/invoke/${fn ? fn.id : 'FN_ID'} -d '{}'`)
      : null);
    if (!fn) replace(active, activeFns(stats.fns ?? [], fns));
  };

  const poll = async () => {
    timer = null;
    if (stopped) return;
    if (document.hidden) return; // visibilitychange starts it again
    try {
      const stats = await json(`${fn ? `/v2/fns/${encodeURIComponent(fn.id)}/stats` : '/v2/stats'}${query({ since: last })}`, { signal: ctx.signal });
      draw(stats);
    } catch (error) {
      if (ctx.signal.aborted) return;
      subtitle.replaceChildren(failure(error));
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  };
  const resume = () => { if (!document.hidden && !timer && !stopped) poll(); };
  document.addEventListener('visibilitychange', resume);
  ctx.cleanup(() => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', resume);
    for (const chart of charts) chart.destroy();
  });
  poll();
  return { subtitle, node: [cards, note, h('div', { class: 'charts' }, charts.map(c => c.node)), fn ? null : active] };
}

function summaryCards(s, fn) {
  const card = (label, value, detail) => h('div', { class: 'card' }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value), detail ? h('div', { class: 'card-detail muted' }, detail) : null);
  const memory = s.memory_total_mib
    ? [h('meter', { min: '0', max: String(s.memory_total_mib), value: String(s.memory_reserved_mib), 'aria-label': 'Memory reserved of total' }), ` of ${formatMiB(s.memory_total_mib)}`]
    : null;
  return [
    card('Calls', formatRate(s.calls_per_sec), `${s.calls} in the last ${s.window_secs || 0} s`),
    card('Errors', String(s.errors), s.calls ? `${Math.round((s.errors / s.calls) * 1000) / 10}% of calls` : 'no calls'),
    card('p50', formatMs(s.p50_ms), 'time in a container'),
    card('p99', formatMs(s.p99_ms), s.wait_p99_ms === undefined ? 'time in a container' : `waits for one: p99 ${formatMs(s.wait_p99_ms)}`),
    card('Containers', `${s.idle + s.busy + s.starting}`, `${s.idle} idle${s.paused ? ` (${s.paused} paused)` : ''} · ${s.busy} busy · ${s.starting} starting${s.waiting ? ` · ${s.waiting} calls waiting` : ''}`),
    card(fn ? 'Memory of its containers' : 'Memory reserved', formatMiB(s.memory_reserved_mib), memory),
  ];
}

function activeFns(rows, fns) {
  const name = id => fns?.byId.get(id)?.name ?? id;
  return [
    h('h2', { id: 'live-fns' }, 'Active fns'),
    rows.length
      ? table([
        { label: 'Fn', cell: r => h('a', { href: `#/fns/${encodeURIComponent(r.fn_id)}/live` }, name(r.fn_id)) },
        { label: 'Calls', cell: r => formatRate(r.summary.calls_per_sec), class: 'num' },
        { label: 'Errors', cell: r => String(r.summary.errors), class: 'num' },
        { label: 'p99', cell: r => formatMs(r.summary.p99_ms), class: 'num' },
        { label: 'Containers', cell: r => `${r.summary.idle} idle · ${r.summary.busy} busy · ${r.summary.starting} starting`, class: 'opt' },
      ], rows, { caption: 'Fns with calls or containers in the last minute' })
      : h('p', { class: 'muted' }, 'No fn had calls or containers in the last minute.'),
  ];
}
