// A small helper to build DOM nodes without HTML strings: every text goes in as text, never as markup.

/**
 * h('a', {href: '#/x', class: 'y', onclick: f}, 'text', child, [more, children])
 * Attributes: `class`, `text`, `on<event>` handlers, `dataset`, boolean attributes (true/false), and any other attribute.
 * Children: nodes, strings, numbers, arrays of them; null, undefined and false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table in a scrolling wrapper; `columns` are {label, cell(row), class?}. */
export function table(columns, rows, { caption, rowClass } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', { class: 'sr-only' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', {}, rows.map(row => h('tr', { class: rowClass?.(row) }, columns.map(c => h('td', { class: c.class }, c.cell(row))))))));
}

/** A definition list of [term, value] pairs; pairs whose value is null or undefined are left out. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

/** An empty state: what is missing and what to do about it, with an optional command to copy. */
export function empty(message, command) {
  return h('div', { class: 'empty' },
    h('p', {}, message),
    command ? h('pre', { class: 'command' }, h('code', {}, command)) : null);
}

/** A failure shown in place of content; with `retry`, a "Try again" button that calls it. */
export function failure(error, retry) {
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', {}, error.status ? `${error.status}: ` : 'Error: '), error.message ?? String(error),
    retry ? [' ', h('button', { type: 'button', onclick: () => retry() }, 'Try again')] : null);
}
