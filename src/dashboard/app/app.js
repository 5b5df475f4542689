// The dashboard's entry: a hash router over the pages, the API key dialog, and page lifetimes
// (each page gets an AbortSignal and cleanups, run when the reader leaves it).
import { apiKey, setApiKey, ApiError } from './api.js';
import { h, replace, failure } from './dom.js';
import * as apps from './pages/apps.js';
import * as fns from './pages/fns.js';
import * as fn from './pages/fn.js';
import * as calls from './pages/calls.js';
import * as call from './pages/call.js';
import * as deadLetters from './pages/dead-letters.js';
import * as live from './pages/live.js';
import { location } from './router.js';

const routes = [
  [/^\/?$/, () => apps.renderList, 'apps'],
  [/^\/apps$/, () => apps.renderList, 'apps'],
  [/^\/apps\/([^/]+)$/, () => apps.renderApp, 'apps'],
  [/^\/fns$/, () => fns.renderList, 'fns'],
  [/^\/fns\/([^/]+)$/, () => fn.render, 'fns'],
  [/^\/fns\/([^/]+)\/calls$/, () => calls.render, 'fns'],
  [/^\/fns\/([^/]+)\/calls\/([^/]+)$/, () => call.render, 'fns'],
  [/^\/fns\/([^/]+)\/dead-letters$/, () => deadLetters.render, 'fns'],
  [/^\/fns\/([^/]+)\/live$/, () => live.renderFn, 'fns'],
  [/^\/live$/, () => live.renderNode, 'live'],
];

const main = document.getElementById('main');
const keyDialog = document.getElementById('key-dialog');
const keyInput = document.getElementById('key-input');
const keyReason = document.getElementById('key-reason');
const keyButton = document.getElementById('key-button');
const defaultReason = keyReason.textContent;

let current = null;
let navigations = 0;

async function show() {
  current?.controller.abort();
  for (const cleanup of current?.cleanups ?? []) cleanup();
  const { path, params } = location();
  const hash = window.location.hash;
  // Busy until the page is shown (or its failure): assistive technology waits for it, and so can a reader's script.
  main.setAttribute('aria-busy', 'true');
  const controller = new AbortController();
  const page = { controller, cleanups: [] };
  current = page;
  const match = routes.map(([pattern, render, section]) => [pattern.exec(path), render, section]).find(([m]) => m);
  for (const link of document.querySelectorAll('nav a')) {
    link.toggleAttribute('aria-current', Boolean(match) && link.dataset.section === match[2]);
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }

  const ctx = {
    signal: controller.signal,
    params,
    cleanup: fn => page.cleanups.push(fn),
    title: text => { document.title = text ? `${text} · FnSharp` : 'FnSharp'; },
    rerender: () => { if (current === page) show(); },
  };
  // `data-hash` names the page shown, with `aria-busy` false once it is: the old page stays until the new one is ready.
  const shown = (...content) => {
    replace(main, ...content);
    main.dataset.hash = hash;
    main.setAttribute('aria-busy', 'false');
  };
  if (!match) {
    ctx.title('Not found');
    shown(h('h1', {}, 'Page not found'), h('p', {}, 'No page here. ', h('a', { href: '#/apps' }, 'See the apps.')));
    return;
  }

  try {
    const content = await match[1]()(ctx, ...match[0].slice(1).map(decodeURIComponent));
    if (current === page) shown(content);
  } catch (error) {
    if (controller.signal.aborted || current !== page) return;
    ctx.title('Error');
    const unauthorized = error instanceof ApiError && error.status === 401;
    shown(failure(error, unauthorized ? null : ctx.rerender), unauthorized
      ? h('p', {}, h('button', { type: 'button', class: 'primary', onclick: () => askForKey() }, 'Enter an API key'))
      : null);
  }

  if (navigations++ > 0) main.focus({ preventScroll: true });
}

function askForKey(reason) {
  keyReason.textContent = reason ? `${reason}. ${defaultReason}` : defaultReason;
  keyInput.value = apiKey();
  if (!keyDialog.open) keyDialog.showModal();
  keyInput.focus();
}

function updateKeyButton() {
  keyButton.textContent = apiKey() ? 'API key ✓' : 'API key';
  keyButton.title = apiKey() ? 'A key is set for this tab' : 'No key is set';
}

keyButton.addEventListener('click', () => askForKey());
keyDialog.addEventListener('close', () => {
  if (keyDialog.returnValue === 'save') setApiKey(keyInput.value.trim());
  else if (keyDialog.returnValue === 'clear') setApiKey('');
  else return;
  updateKeyButton();
  show();
});
window.addEventListener('fnsharp:unauthorized', event => askForKey(event.detail));
window.addEventListener('hashchange', show);

// Charts take their colours when drawn: a change of the colour scheme draws the page again.
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', show);

// "/" moves to the page's search box, as on many sites; not while typing.
document.addEventListener('keydown', event => {
  const target = event.target;
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
  const search = main.querySelector('input[type="search"]');
  if (search) {
    event.preventDefault();
    search.focus();
  }
});

updateKeyButton();
show();
