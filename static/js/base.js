// @ts-check
// The body (人大) a page belongs to, and the one way its scripts name an address of the app. On a service of
// many bodies each is at /b/<name>/… (voting/web/body_address.py moves the prefix into SCRIPT_NAME), its pages,
// API, downloads and QR codes alike; a page without the prefix is the default body's. So a fetch, a link
// between pages or a download that named "/api/v1/…" or "/console" as such would leave the body the page
// belongs to: every one goes through inBody. The scripts and styles under /static/ are the same for every
// body and stay absolute.

/** `/b/` and a short name, as the server reads it (body_address.PREFIX): lower-case letters, digits, inner hyphens. */
const PREFIX = /^\/b\/[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?(?=\/|$)/;

/**
 * The body's prefix in a page's path: `/b/<name>`, or "" for the default body's address.
 * @param {string} pathname a page's `location.pathname`
 */
export function bodyPrefix(pathname) {
  const found = PREFIX.exec(pathname);
  return found ? found[0] : "";
}

/**
 * An address of the app (a page, an API path, a download, "/ballot" on a slip) under this page's body.
 * @param {string} path beginning with "/"
 * @param {string} [pathname] the page's path; the tests give one, the pages never pass it
 */
export function inBody(path, pathname = globalThis.location?.pathname ?? "") {
  return bodyPrefix(pathname) + path;
}
