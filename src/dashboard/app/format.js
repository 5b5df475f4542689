// Formatting of times, durations and sizes, in the reader's locale and time zone.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const axisTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "12 Mar 2026, 10:29:07" for an RFC 3339 time; "" for none. */
export function formatTime(value) {
  return value ? dateTime.format(new Date(value)) : '';
}

/** "10:29:07" for a Date or Unix seconds. */
export function formatClock(value) {
  return timeOnly.format(typeof value === 'number' ? new Date(value * 1000) : value);
}

/** "20:17:30" for Unix seconds: the short 24-hour form that fits under a chart. */
export function formatAxisTime(seconds) {
  return axisTime.format(new Date(seconds * 1000));
}

/** "3 minutes ago" for an RFC 3339 time. */
export function formatAgo(value, now = Date.now()) {
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

/** "850 µs", "12.3 ms", "4.20 s", "2 min 5 s" for milliseconds; "—" for none. */
export function formatMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** Milliseconds between two RFC 3339 times, or null when either is missing. */
export function between(from, to) {
  return from && to ? new Date(to).getTime() - new Date(from).getTime() : null;
}

/** "512 MiB", "1.5 GiB" for MiB. */
export function formatMiB(mib) {
  if (mib === null || mib === undefined) return '—';
  return mib >= 1024 ? `${(mib / 1024).toFixed(mib % 1024 === 0 ? 0 : 1)} GiB` : `${mib} MiB`;
}

/** "1.25/s" for a rate. */
export function formatRate(perSecond) {
  if (!perSecond) return '0/s';
  return perSecond >= 100 ? `${Math.round(perSecond)}/s` : `${perSecond.toFixed(perSecond >= 10 ? 1 : 2)}/s`;
}

/** JSON pretty-printed when `text` is JSON, else the text itself. */
export function prettyBody(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A JSON value as compact text: strings without quotes, the rest as JSON. */
export function jsonValue(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A local datetime-local input value ("2026-03-12T10:29") as Unix seconds, or "" for none. */
export function localInputToUnix(value) {
  if (!value) return '';
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? '' : String(Math.floor(time / 1000));
}
