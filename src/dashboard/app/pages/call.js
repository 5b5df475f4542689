// One call: where its time went (a timeline bar), its outcome, its error and its log. A call still
// queued or running, or whose record is not written yet, is read again until it ends.
import { json, textOrNull, ApiError } from '../api.js';
import { h, replace, facts, empty, failure } from '../dom.js';
import { fnHeader, statusBadge, startKindBadge } from '../components.js';
import { formatTime, formatMs, between } from '../format.js';
import { loadFn } from './fn.js';
import { redriveButton } from './dead-letters.js';

const POLL_MS = 1000;
const MAX_MISSING_POLLS = 15;

export async function render(ctx, fnId, callId) {
  const { fn, app } = await loadFn(fnId, ctx.signal);
  ctx.title(`Call ${callId}`);
  // Busy while the record is awaited (the first read, or a record not written yet), not while a call still running is read again.
  const body = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading the call…'));
  const show = (busy, ...content) => {
    replace(body, ...content);
    body.setAttribute('aria-busy', String(busy));
  };
  let missing = 0;
  let timer = null;
  ctx.cleanup(() => clearTimeout(timer));

  const read = async () => {
    let call;
    try {
      call = await json(`/v2/fns/${encodeURIComponent(fn.id)}/calls/${encodeURIComponent(callId)}`, { signal: ctx.signal });
    } catch (error) {
      if (ctx.signal.aborted) return;
      if (error instanceof ApiError && error.status === 404 && error.message === 'Call not found' && missing++ < MAX_MISSING_POLLS) {
        show(true, empty('No record of this call yet: a synchronous call\'s record is written about half a second after it ends. Looking again…'));
        timer = setTimeout(load, POLL_MS);
        return;
      }

      throw error;
    }

    const final = ['success', 'error', 'timeout', 'cancelled'].includes(call.status);
    const log = call.started_at || final ? await textOrNull(`/v2/fns/${encodeURIComponent(fn.id)}/calls/${encodeURIComponent(callId)}/log`, { signal: ctx.signal }).catch(() => null) : null;
    if (ctx.signal.aborted) return;
    show(false, view(ctx, fn, call, log, final));
    if (!final) timer = setTimeout(load, POLL_MS);
  };

  // Whatever fails (the read, or drawing what it read) is shown with a way to try again, never left as "Loading".
  const load = async () => {
    try {
      await read();
    } catch (error) {
      if (ctx.signal.aborted) return;
      show(false, failure(error, () => {
        missing = 0;
        show(true, h('p', { class: 'muted' }, 'Loading the call…'));
        load();
      }));
    }
  };
  load();
  return [fnHeader(fn, app, 'calls'), h('h2', { class: 'call-title' }, 'Call ', h('code', {}, callId)), body];
}

function view(ctx, fn, call, log, final) {
  return [
    h('p', { class: 'call-status' }, statusBadge(call.status, call.dead_letter), call.start_kind ? [' ', startKindBadge(call.start_kind)] : null,
      call.dead_letter ? [' ', redriveButton(fn, call, () => ctx.rerender())] : null),
    timeline(call),
    call.error ? h('div', { class: 'error-box', role: 'note' }, h('strong', {}, 'Error: '), call.error) : null,
    facts([
      ['Type', call.type],
      ['Status code', call.status_code ? String(call.status_code) : null],
      ['Created', formatTime(call.created_at)],
      ['Started', call.started_at ? formatTime(call.started_at) : 'never reached a container'],
      ['Completed', call.completed_at ? formatTime(call.completed_at) : final ? null : 'not yet'],
      ['Duration', call.completed_at ? formatMs(between(call.created_at, call.completed_at)) : null],
      ['Attempts', String(call.attempts)],
      ['Next attempt', call.next_attempt_at ? formatTime(call.next_attempt_at) : null],
      ['Container', call.container_id ? h('code', { class: 'wrap' }, call.container_id) : null],
    ]),
    h('section', { 'aria-labelledby': 'call-log' },
      h('h2', { id: 'call-log' }, 'Log'),
      log !== null
        ? h('pre', { class: 'log', tabindex: '0', 'aria-label': 'The call\'s stdout and stderr' }, log)
        : empty(final ? 'This call wrote nothing to stdout or stderr, so it has no log.' : 'No log yet: the call has not run.')),
    h('details', { class: 'raw' }, h('summary', {}, 'The record as JSON'), h('pre', {}, JSON.stringify(call, null, 2))),
  ];
}

/**
 * The phases of the call in order, with their length in ms. A record that carries `timeline_ms` (an
 * object of phase to ms, in order) is drawn as it says; otherwise the phases come from its times:
 * waiting from created to started (queued, waiting for a container and its start), running from started
 * to completed. `start_phases_ms` (create, start, until the socket is ready), when present, is drawn
 * under the bar as the container's start.
 */
export function phasesOf(call, now = Date.now()) {
  if (call.timeline_ms && typeof call.timeline_ms === 'object') {
    return Object.entries(call.timeline_ms).filter(([, ms]) => typeof ms === 'number' && ms >= 0).map(([name, ms]) => ({ name, ms }));
  }

  const end = call.completed_at ?? new Date(now).toISOString();
  if (!call.started_at) {
    return [{ name: call.completed_at ? 'refused before a container' : call.type === 'detached' ? 'queued' : 'waiting', ms: between(call.created_at, end) }];
  }

  return [
    { name: call.type === 'detached' ? 'queued and waiting' : 'waiting for a container', ms: between(call.created_at, call.started_at) },
    { name: call.completed_at ? 'running' : 'running (not ended)', ms: between(call.started_at, end) },
  ];
}

// The colour of a phase by what it is, whatever the record calls it.
function phaseClass(name) {
  if (/run/i.test(name)) return 'phase-running';
  if (/start|creat|ready/i.test(name)) return 'phase-starting';
  if (/queue|refused/i.test(name)) return 'phase-queued';
  if (/wait/i.test(name)) return 'phase-waiting';
  return 'phase-other';
}

function timeline(call) {
  const phases = phasesOf(call);
  const total = phases.reduce((sum, p) => sum + p.ms, 0);
  const bar = h('div', { class: 'timeline-bar', role: 'img', 'aria-label': phases.map(p => `${p.name} ${formatMs(p.ms)}`).join(', ') });
  phases.forEach(phase => {
    const segment = h('span', { class: ['segment', phaseClass(phase.name)], title: `${phase.name}: ${formatMs(phase.ms)}` });
    segment.style.flexGrow = String(Math.max(phase.ms, total / 200));
    bar.append(segment);
  });
  const start = call.start_phases_ms && typeof call.start_phases_ms === 'object'
    ? Object.entries(call.start_phases_ms).filter(([, ms]) => typeof ms === 'number')
    : [];
  return h('section', { class: 'timeline', 'aria-labelledby': 'call-timeline' },
    h('h2', { id: 'call-timeline' }, 'Timeline ', h('span', { class: 'muted' }, formatMs(total))),
    bar,
    h('ul', { class: 'legend' }, phases.map(p => h('li', {}, h('span', { class: ['swatch', phaseClass(p.name)] }), `${p.name}: ${formatMs(p.ms)}`))),
    start.length
      ? h('p', { class: 'start-phases' }, `Container start (${call.start_kind ?? 'cold'}): `, start.map(([name, ms], i) => [i ? ' + ' : '', `${name} ${formatMs(ms)}`]))
      : null);
}
