// A fn's overview: its settings, configuration, annotations and triggers, and a form that invokes it.
import { json, all, send } from '../api.js';
import { h, replace, table, facts, empty, failure } from '../dom.js';
import { fnHeader, configTable, annotationsTable, annotationValue, origin } from '../components.js';
import { formatTime, formatMiB, formatMs, prettyBody } from '../format.js';

const INVOKE_ENDPOINT = 'fnproject.io/fn/invokeEndpoint';
const HTTP_ENDPOINT = 'fnproject.io/trigger/httpEndpoint';

/** Loads a fn and its app, for every page of the fn. */
export async function loadFn(fnId, signal) {
  const fn = await json(`/v2/fns/${encodeURIComponent(fnId)}`, { signal });
  const app = await json(`/v2/apps/${encodeURIComponent(fn.app_id)}`, { signal }).catch(() => null);
  return { fn, app };
}

export async function render(ctx, fnId) {
  const [{ fn, app }, triggers] = await Promise.all([
    loadFn(fnId, ctx.signal),
    all(`/v2/triggers?fn_id=${encodeURIComponent(fnId)}`, { signal: ctx.signal }),
  ]);
  ctx.title(fn.name);
  const appName = app?.name ?? fn.app_id;
  const invokeUrl = fn.annotations?.[INVOKE_ENDPOINT] ?? `${origin()}/invoke/${fn.id}`;
  return [
    fnHeader(fn, app, 'overview'),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'fn-settings' },
        h('h2', { id: 'fn-settings' }, 'Settings'),
        facts([
          ['Id', h('code', {}, fn.id)],
          ['Image', h('code', { class: 'wrap' }, fn.image)],
          ['Memory', formatMiB(fn.memory)],
          ['Timeout', `${fn.timeout} s`],
          ['Idle timeout', `${fn.idle_timeout} s`],
          ['Invoke endpoint', h('code', { class: 'wrap' }, invokeUrl)],
          ['Created', formatTime(fn.created_at)],
          ['Updated', formatTime(fn.updated_at)],
        ])),
      invokeForm(fn, invokeUrl)),
    h('section', { 'aria-labelledby': 'fn-triggers' },
      h('h2', { id: 'fn-triggers' }, 'Triggers'),
      triggers.items.length
        ? table([
          { label: 'Name', cell: t => t.name },
          { label: 'Type', cell: t => t.type },
          { label: 'Source', cell: t => h('code', {}, t.source) },
          { label: 'Endpoint', cell: t => t.annotations?.[HTTP_ENDPOINT] ? annotationValue(t.annotations[HTTP_ENDPOINT]) : '—' },
          { label: 'Annotations', cell: t => triggerAnnotations(t.annotations), class: 'opt' },
        ], triggers.items, { caption: 'Triggers' })
        : empty('No triggers: the fn is reached at its invoke endpoint only. Give it an address of its own with', `fnsharp create trigger ${appName} ${fn.name} ${fn.name}-http --source /${fn.name}`)),
    h('section', { 'aria-labelledby': 'fn-config' },
      h('h2', { id: 'fn-config' }, 'Configuration'),
      configTable(fn.config, empty('No configuration: keys set here reach the function as environment variables (with its app\'s). Set one with', `fnsharp config fn ${appName} ${fn.name} KEY value`))),
    h('section', { 'aria-labelledby': 'fn-annotations' },
      h('h2', { id: 'fn-annotations' }, 'Annotations'),
      annotationsTable(fn.annotations, h('p', { class: 'muted' }, 'No annotations.'))),
  ];
}

// A trigger's annotations other than its endpoint, shown as they come: a cron trigger's next runs (a
// computed annotation) appear here as a list.
function triggerAnnotations(annotations) {
  const keys = Object.keys(annotations ?? {}).filter(k => k !== HTTP_ENDPOINT).sort();
  if (!keys.length) return h('span', { class: 'muted' }, '—');
  return h('dl', { class: 'mini' }, keys.map(k => [h('dt', {}, h('code', {}, k)), h('dd', {}, annotationValue(annotations[k]))]));
}

function invokeForm(fn, invokeUrl) {
  const body = h('textarea', { id: 'invoke-body', name: 'body', rows: '6', spellcheck: 'false', placeholder: '{"name":"you"}' });
  body.value = '{}';
  const contentType = h('input', { id: 'invoke-type', name: 'content-type', value: 'application/json', autocomplete: 'off' });
  const detached = h('input', { id: 'invoke-detached', name: 'detached', type: 'checkbox' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Invoke');
  const result = h('div', { class: 'invoke-result', 'aria-live': 'polite' });
  const curl = h('code');
  const drawCurl = () => {
    const quoted = body.value.replaceAll("'", "'\\''");
    curl.textContent = `curl -X POST ${invokeUrl} -H 'Content-Type: ${contentType.value}'${detached.checked ? " -H 'Fn-Invoke-Type: detached'" : ''} -d '${quoted}'`;
  };
  drawCurl();
  for (const input of [body, contentType, detached]) input.addEventListener('input', drawCurl);

  const form = h('form', { class: 'invoke', 'aria-labelledby': 'fn-invoke' },
    h('h2', { id: 'fn-invoke' }, 'Invoke'),
    h('label', { for: 'invoke-body' }, 'Body'),
    body,
    h('div', { class: 'row' },
      h('span', { class: 'field' }, h('label', { for: 'invoke-type' }, 'Content-Type'), contentType),
      h('span', { class: 'check' }, detached, h('label', { for: 'invoke-detached' }, 'Detached (answer 202 at once, run in the background)'))),
    h('div', { class: 'row' }, button, h('span', { class: 'muted hint' }, 'Ctrl+Enter invokes from the body')),
    h('details', { class: 'curl' }, h('summary', {}, 'The same with curl'), h('pre', { class: 'command' }, curl)),
    result);

  const invoke = async event => {
    event?.preventDefault();
    button.disabled = true;
    replace(result, h('p', { class: 'muted' }, 'Invoking…'));
    const began = performance.now();
    try {
      const headers = { 'Content-Type': contentType.value };
      if (detached.checked) headers['Fn-Invoke-Type'] = 'detached';
      // The server answers within the fn's timeout once the call has a container; a minute more covers the wait for one.
      const response = await send(`/invoke/${encodeURIComponent(fn.id)}`, { method: 'POST', body: body.value, headers, timeoutMs: ((fn.timeout || 30) + 60) * 1000 });
      const text = await response.text();
      replace(result, answer(fn, response, text, performance.now() - began));
    } catch (error) {
      replace(result, failure(error));
    } finally {
      button.disabled = false;
    }
  };
  form.addEventListener('submit', invoke);
  body.addEventListener('keydown', event => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) invoke(event);
  });
  return form;
}

function answer(fn, response, text, elapsedMs) {
  const callId = response.headers.get('Fn-Call-Id');
  const headers = [...response.headers.entries()].sort(([a], [b]) => a.localeCompare(b));
  const ok = response.status < 400;
  return h('div', { class: 'answer' },
    h('p', { class: 'answer-line' },
      h('span', { class: ['badge', ok ? 'status-success' : 'status-error'] }, `${response.status} ${response.statusText}`),
      h('span', { class: 'muted' }, ` in ${formatMs(elapsedMs)}`),
      callId ? [' · call ', h('a', { href: `#/fns/${encodeURIComponent(fn.id)}/calls/${encodeURIComponent(callId)}`, class: 'call-link' }, h('code', {}, callId))] : null),
    h('h3', {}, 'Body'),
    text ? h('pre', { class: 'body-text' }, prettyBody(text)) : h('p', { class: 'muted' }, 'The answer has no body.'),
    h('details', {}, h('summary', {}, `Headers (${headers.length})`),
      table([
        { label: 'Header', cell: ([name]) => h('code', {}, name) },
        { label: 'Value', cell: ([, value]) => h('code', { class: 'wrap' }, value) },
      ], headers, { caption: 'Response headers' })));
}
