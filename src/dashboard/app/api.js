// The API client: same origin, the key from session storage as a Bearer token, Fn's JSON errors as ApiError.

const KEY_NAME = 'fnsharp.apiKey';

/** An error answer: its HTTP status and the message of Fn's {"message": ...} body. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_NAME) ?? '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_NAME, key);
  else sessionStorage.removeItem(KEY_NAME);
}

/**
 * How long a request waits for the server's whole answer, body included, in ms, before the page says that it did not
 * come: the API answers reads in milliseconds, and a page must never stay "Loading…" with nothing to do about it.
 */
export const ANSWER_TIMEOUT_MS = 20_000;

/**
 * Sends a request to the API and returns the raw Response. A 401 also raises the event
 * `fnsharp:unauthorized` on window, so that the page asks for a key. The answer, its body too, is waited
 * for `timeoutMs` at most: then the request is aborted, and the fetch or the read of the body fails with an
 * Error that names the request. `signal` aborts it earlier (the reader left the page). A GET that fails on
 * the way is sent again, twice at most.
 */
export async function send(path, { method = 'GET', body, headers = {}, signal, timeoutMs = ANSWER_TIMEOUT_MS } = {}) {
  const all = { ...headers };
  const key = apiKey();
  if (key) all.Authorization = `Bearer ${key}`;
  // A timer rather than AbortSignal.timeout, whose clock a test cannot move. The abort's reason is what the fetch,
  // and a read of the body, fail with; once the body is read, the abort changes nothing.
  const bound = new AbortController();
  setTimeout(() => bound.abort(new Error(
    `The server did not answer ${method} ${path.split('?')[0]} within ${timeoutMs / 1000} s. Try again; if it persists, see the server's log.`)), timeoutMs);
  const aborts = signal ? AbortSignal.any([signal, bound.signal]) : bound.signal;
  let response;
  for (let tries = 1; !response; tries++) {
    try {
      response = await fetch(path, { method, body, headers: all, signal: aborts, cache: 'no-store' });
    } catch (error) {
      // A read that failed on the way (TypeError) is sent again, twice at most: a network change fails the requests in
      // flight (see boot.js). A change (POST, PUT, DELETE) is never sent twice.
      if (!(error instanceof TypeError) || aborts.aborted) throw error;
      if (method !== 'GET' || tries > 2) throw new Error(`${method} ${path.split('?')[0]} did not reach the server (${error.message}). Try again.`);
    }
  }
  if (response.status === 401) {
    window.dispatchEvent(new CustomEvent('fnsharp:unauthorized', { detail: await messageOf(response.clone()) }));
  }
  return response;
}

/** Sends a request and returns its JSON body; throws ApiError for an error status. */
export async function json(path, options = {}) {
  const response = await send(path, options);
  if (!response.ok) throw new ApiError(response.status, await messageOf(response));
  return response.status === 204 ? null : response.json();
}

/** Sends a request and returns its text body, or null for a 404 (a call without a log); throws ApiError for other errors. */
export async function textOrNull(path, options = {}) {
  const response = await send(path, options);
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(response.status, await messageOf(response));
  return response.text();
}

/** Every item of a paged list, following next_cursor, up to `max` items. Returns {items, more}. */
export async function all(path, { max = 2000, signal } = {}) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await json(`${path}${sep}per_page=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { signal });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return { items, more: Boolean(cursor) };
}

async function messageOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    // Fn's message, then FnSharp's detail when there is one (which limit refused a call, which field is wrong).
    if (body && typeof body.message === 'string') return body.detail ? `${body.message}: ${body.detail}` : body.message;
  } catch {
    // Not JSON: the text itself, or the status.
  }
  return text.trim() || response.statusText || `HTTP ${response.status}`;
}

/** The query string of the non-empty entries of `params`. */
export function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== '');
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
}
