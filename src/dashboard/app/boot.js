// The dashboard's first script: it loads app.js, and with it the modules of every page. A module that fails to load
// would leave the page "Loading…" for good, and a network change is enough for that: Chromium fails the requests in
// flight (net::ERR_NETWORK_CHANGED) when a network interface comes or goes, as the container engine's do at each
// container start on the same host. So the modules are asked for again, twice at most (a new import fetches again
// what failed), and then the page says what failed.
const TRIES = 3;

for (let tries = 1; ; tries++) {
  try {
    await import('./app.js');
    break;
  } catch (error) {
    if (tries < TRIES) continue;
    const alert = document.createElement('div');
    alert.className = 'error-box';
    alert.setAttribute('role', 'alert');
    alert.textContent = `The dashboard's scripts did not load (${error?.message ?? error}). Reload the page to try again.`;
    const main = document.getElementById('main');
    main.replaceChildren(alert);
    main.setAttribute('aria-busy', 'false');
    break;
  }
}
