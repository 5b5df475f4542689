// The apps list (with search) and an app's page: its settings, fns and triggers.
import { json, all } from '../api.js';
import { h, replace, table, facts, empty } from '../dom.js';
import { searchBox, matches, configTable, annotationsTable, annotationValue, origin } from '../components.js';
import { formatTime, formatAgo, formatMiB } from '../format.js';
import { appsList, fnsList } from '../lookup.js';
import { setParams } from '../router.js';

export async function renderList(ctx) {
  ctx.title('Apps');
  const [apps, fns] = await Promise.all([appsList(), fnsList()]);
  const fnCount = new Map();
  for (const fn of fns.items) fnCount.set(fn.app_id, (fnCount.get(fn.app_id) ?? 0) + 1);

  const head = h('header', { class: 'page-head' }, h('h1', {}, 'Apps'));
  if (!apps.items.length) {
    return [head, empty('No apps yet: create one with the fnsharp CLI, or with the API:',
      `fnsharp create app myapp\ncurl -X POST ${origin()}/v2/apps -H 'Content-Type: application/json' -d '{"name":"myapp"}'`)];
  }

  const results = h('div');
  const count = h('p', { class: 'muted count', 'aria-live': 'polite' });
  const draw = text => {
    setParams({ q: text });
    const shown = apps.items.filter(a => matches(text, a.name, a.id));
    count.textContent = `${shown.length} of ${apps.items.length} app${apps.items.length === 1 ? '' : 's'}${apps.more ? ' (the first 2000)' : ''}`;
    replace(results, shown.length
      ? table([
        { label: 'Name', cell: a => h('a', { href: `#/apps/${encodeURIComponent(a.id)}` }, a.name) },
        { label: 'Fns', cell: a => String(fnCount.get(a.id) ?? 0), class: 'num' },
        { label: 'Id', cell: a => h('code', {}, a.id), class: 'opt' },
        { label: 'Created', cell: a => h('time', { datetime: a.created_at, title: formatTime(a.created_at) }, formatAgo(a.created_at)), class: 'opt' },
      ], shown, { caption: 'Apps' })
      : empty(`No app matches "${text}".`));
  };
  const initial = (ctx.params.get('q') ?? '').toLowerCase();
  draw(initial);
  return [head, h('div', { class: 'toolbar' }, searchBox('Search apps', 'Search apps by name or id', draw, initial), count), results];
}

export async function renderApp(ctx, appId) {
  const [app, fns, triggers] = await Promise.all([
    json(`/v2/apps/${encodeURIComponent(appId)}`, { signal: ctx.signal }),
    all(`/v2/fns?app_id=${encodeURIComponent(appId)}`, { signal: ctx.signal }),
    all(`/v2/triggers?app_id=${encodeURIComponent(appId)}`, { signal: ctx.signal }),
  ]);
  ctx.title(app.name);
  const fnsById = new Map(fns.items.map(f => [f.id, f]));
  return [
    h('header', { class: 'page-head' },
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumbs' }, h('a', { href: '#/apps' }, 'Apps'), ' / '),
      h('h1', {}, app.name)),
    facts([
      ['Id', h('code', {}, app.id)],
      ['Created', formatTime(app.created_at)],
      ['Updated', formatTime(app.updated_at)],
      ['Syslog', app.syslog_url ? h('code', {}, app.syslog_url) : null],
    ]),
    h('section', {}, h('h2', {}, 'Fns'),
      fns.items.length
        ? table([
          { label: 'Name', cell: f => h('a', { href: `#/fns/${encodeURIComponent(f.id)}` }, f.name) },
          { label: 'Image', cell: f => h('code', { class: 'wrap' }, f.image) },
          { label: 'Memory', cell: f => formatMiB(f.memory), class: 'num opt' },
          { label: 'Timeout', cell: f => `${f.timeout} s`, class: 'num opt' },
        ], fns.items, { caption: 'Fns of the app' })
        : empty('No fns in this app yet: create one with', `fnsharp create fn ${app.name} hello fnsharp/hello-csharp:latest\ncurl -X POST ${origin()}/v2/fns -H 'Content-Type: application/json' -d '{"app_id":"${app.id}","name":"hello","image":"fnsharp/hello-csharp:latest"}'`)),
    h('section', {}, h('h2', {}, 'Triggers'),
      triggers.items.length
        ? table([
          { label: 'Name', cell: t => t.name },
          { label: 'Fn', cell: t => fnsById.has(t.fn_id) ? h('a', { href: `#/fns/${encodeURIComponent(t.fn_id)}` }, fnsById.get(t.fn_id).name) : h('code', {}, t.fn_id) },
          { label: 'Type', cell: t => t.type, class: 'opt' },
          { label: 'Source', cell: t => h('code', {}, t.source) },
          { label: 'Endpoint', cell: t => t.annotations?.['fnproject.io/trigger/httpEndpoint'] ? annotationValue(t.annotations['fnproject.io/trigger/httpEndpoint']) : '—' },
        ], triggers.items, { caption: 'Triggers of the app' })
        : empty('No triggers in this app: a trigger gives a fn an address of its own, for example', `fnsharp create trigger ${app.name} FN FN-http --source /FN`)),
    h('section', {}, h('h2', {}, 'Configuration'), configTable(app.config, empty('No configuration: the app\'s config reaches each of its fns as environment variables. Set a key with', `fnsharp config app ${app.name} KEY value`))),
    h('section', {}, h('h2', {}, 'Annotations'), annotationsTable(app.annotations, h('p', { class: 'muted' }, 'No annotations.'))),
  ];
}
