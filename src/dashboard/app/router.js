// The hash part of the address: the page's path and its query (filters kept in the address, so that a view can be shared).

/** Splits "#/fns/x/calls?status=error" into its path and its query parameters. */
export function location() {
  // The path stays encoded (the router decodes each part it captures); the query is decoded by URLSearchParams.
  const [path, search = ''] = (window.location.hash.slice(1) || '/').split('?');
  return { path, params: new URLSearchParams(search) };
}

/** Sets the query of the current page's hash without a reload of the page. */
export function setParams(params) {
  const { path } = location();
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  const hash = `#${path}${search.size ? `?${search}` : ''}`;
  if (hash !== window.location.hash) window.history.replaceState(null, '', hash);
}
