// Pieces that several pages share: search boxes, status badges, the fn's header and tabs, key-value tables.
import { h, table } from './dom.js';
import { jsonValue } from './format.js';

/** A labelled search box that calls `onInput(text)` as the reader types. */
export function searchBox(label, placeholder, onInput, initial = '') {
  const id = `search-${Math.random().toString(36).slice(2, 8)}`;
  const input = h('input', { type: 'search', id, placeholder, value: initial, autocomplete: 'off', spellcheck: 'false' });
  input.addEventListener('input', () => onInput(input.value.trim().toLowerCase()));
  return h('div', { class: 'search' }, h('label', { for: id, class: 'sr-only' }, label), input, h('kbd', { 'aria-hidden': 'true', title: 'Press / to search' }, '/'));
}

/** Whether any of `fields` contains `text` (already lower case). */
export function matches(text, ...fields) {
  return !text || fields.some(f => f && String(f).toLowerCase().includes(text));
}

/** A call status as a coloured badge; "dead letter" added when it is one. */
export function statusBadge(status, deadLetter = false) {
  return h('span', { class: 'badges' },
    h('span', { class: ['badge', `status-${status}`] }, status),
    deadLetter ? h('span', { class: 'badge status-dead' }, 'dead letter') : null);
}

/** A call's start kind (cold, warm, thawed, prewarmed) as a badge, or a dash when the record has none. */
export function startKindBadge(kind) {
  return kind ? h('span', { class: ['badge', `start-${kind}`] }, kind) : h('span', { class: 'muted', title: 'This record has no start kind' }, '—');
}

/** The header of every page of a fn: breadcrumbs, its name, and the tabs. */
export function fnHeader(fn, app, active) {
  const tab = (key, href, label) => h('a', { href, 'aria-current': key === active ? 'page' : null }, label);
  return h('header', { class: 'page-head' },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumbs' },
      h('a', { href: '#/apps' }, 'Apps'), ' / ',
      app ? h('a', { href: `#/apps/${encodeURIComponent(app.id)}` }, app.name) : h('span', {}, fn.app_id), ' / '),
    h('h1', {}, fn.name),
    h('nav', { class: 'tabs', 'aria-label': 'Fn' },
      tab('overview', `#/fns/${encodeURIComponent(fn.id)}`, 'Overview'),
      tab('calls', `#/fns/${encodeURIComponent(fn.id)}/calls`, 'Calls'),
      tab('dead-letters', `#/fns/${encodeURIComponent(fn.id)}/dead-letters`, 'Dead letters'),
      tab('live', `#/fns/${encodeURIComponent(fn.id)}/live`, 'Live')));
}

/** A table of a config map, or `emptyText` when it has no key. */
export function configTable(config, emptyNode) {
  const keys = Object.keys(config ?? {}).sort();
  if (!keys.length) return emptyNode;
  return table([
    { label: 'Key', cell: k => h('code', {}, k) },
    { label: 'Value', cell: k => h('code', { class: 'wrap' }, config[k]) },
  ], keys, { caption: 'Configuration' });
}

/** A table of annotations (JSON values), or `emptyNode` when there is none. */
export function annotationsTable(annotations, emptyNode) {
  const keys = Object.keys(annotations ?? {}).sort();
  if (!keys.length) return emptyNode;
  return table([
    { label: 'Annotation', cell: k => h('code', {}, k) },
    { label: 'Value', cell: k => annotationValue(annotations[k]) },
  ], keys, { caption: 'Annotations' });
}

/** An annotation's value: a link for a URL, a list for an array (such as a cron trigger's next runs), else JSON. */
export function annotationValue(value) {
  if (typeof value === 'string' && /^https?:\/\//.test(value)) return h('a', { href: value, class: 'wrap' }, value);
  if (Array.isArray(value) && value.every(v => typeof v !== 'object')) return h('ul', { class: 'plain' }, value.map(v => h('li', {}, h('code', {}, String(v)))));
  return h('code', { class: 'wrap' }, jsonValue(value));
}

/** The API's address as the reader reached it, for commands to copy. */
export function origin() {
  return window.location.origin;
}
