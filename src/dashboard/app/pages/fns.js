// Every fn of every app, with search by name, app or image.
import { h, replace, table, empty } from '../dom.js';
import { searchBox, matches, origin } from '../components.js';
import { formatMiB } from '../format.js';
import { appsList, fnsList } from '../lookup.js';
import { setParams } from '../router.js';

export async function renderList(ctx) {
  ctx.title('Fns');
  const [apps, fns] = await Promise.all([appsList(), fnsList()]);
  const head = h('header', { class: 'page-head' }, h('h1', {}, 'Fns'));
  if (!fns.items.length) {
    return [head, empty(apps.items.length
      ? 'No fns yet: create one in an app with the fnsharp CLI (or deploy a func.yaml with fnsharp deploy), or with the API:'
      : 'No fns yet, and no app to hold one: create an app, then a fn in it:',
    `fnsharp create app myapp\nfnsharp create fn myapp hello fnsharp/hello-csharp:latest\ncurl -X POST ${origin()}/v2/fns -H 'Content-Type: application/json' -d '{"app_id":"APP_ID","name":"hello","image":"fnsharp/hello-csharp:latest"}'`)];
  }

  const appName = id => apps.byId.get(id)?.name ?? id;
  const results = h('div');
  const count = h('p', { class: 'muted count', 'aria-live': 'polite' });
  const draw = text => {
    setParams({ q: text });
    const shown = fns.items.filter(f => matches(text, f.name, f.id, f.image, appName(f.app_id)));
    count.textContent = `${shown.length} of ${fns.items.length} fn${fns.items.length === 1 ? '' : 's'}${fns.more ? ' (the first 2000)' : ''}`;
    replace(results, shown.length
      ? table([
        { label: 'Name', cell: f => h('a', { href: `#/fns/${encodeURIComponent(f.id)}` }, f.name) },
        { label: 'App', cell: f => h('a', { href: `#/apps/${encodeURIComponent(f.app_id)}` }, appName(f.app_id)) },
        { label: 'Image', cell: f => h('code', { class: 'wrap' }, f.image), class: 'opt' },
        { label: 'Memory', cell: f => formatMiB(f.memory), class: 'num opt' },
        { label: 'Timeout', cell: f => `${f.timeout} s`, class: 'num opt' },
      ], shown, { caption: 'Fns' })
      : empty(`No fn matches "${text}".`));
  };
  const initial = (ctx.params.get('q') ?? '').toLowerCase();
  draw(initial);
  return [head, h('div', { class: 'toolbar' }, searchBox('Search fns', 'Search fns by name, app or image', draw, initial), count), results];
}
