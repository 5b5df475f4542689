// Names for ids: apps and fns are listed once and kept for two seconds, so that a page that needs both
// lists (and the live view's names) asks once, while every navigation still sees fresh lists. A list
// being read is shared by the pages that ask for it, so it is not aborted with the page that asked
// first (the next page would get the abort); the API's time bound ends it.
import { all } from './api.js';

const TTL_MS = 2_000;
const cache = new Map();

async function cached(key, load) {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  try {
    return await value;
  } catch (error) {
    cache.delete(key);
    throw error;
  }
}

/** Every app: {items, more, byId}. */
export function appsList() {
  return cached('apps', async () => {
    const list = await all('/v2/apps');
    return { ...list, byId: new Map(list.items.map(a => [a.id, a])) };
  });
}

/** Every fn of every app: {items, more, byId}. */
export function fnsList() {
  return cached('fns', async () => {
    const list = await all('/v2/fns');
    return { ...list, byId: new Map(list.items.map(f => [f.id, f])) };
  });
}

/** Forgets what was listed (after a change). */
export function forget() {
  cache.clear();
}
