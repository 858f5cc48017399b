// @ts-check
// The browsable API (/api/docs): starts the vendored Swagger UI from the container's data attributes,
// a file of its own so that the page's Content-Security-Policy needs no inline script.

// Swagger UI's bundle (a classic script before this one) defines SwaggerUIBundle on the window; untyped here.
const page = /** @type {{SwaggerUIBundle: (config: object) => unknown, ui: unknown}} */ (/** @type {unknown} */ (window));
const container = /** @type {HTMLElement} */ (document.getElementById("swagger-ui-container"));
const config = { url: container.dataset.specUrl, dom_id: "#swagger-ui-container" };
Object.assign(config, JSON.parse(container.dataset.config || "{}"));
page.ui = page.SwaggerUIBundle(config);
