// The browsable API (/api/docs): starts the vendored Swagger UI from the container's data attributes,
// a file of its own so that the page's Content-Security-Policy needs no inline script.

const container = document.getElementById("swagger-ui-container");
const config = { url: container.dataset.specUrl, dom_id: "#swagger-ui-container" };
Object.assign(config, JSON.parse(container.dataset.config || "{}"));
window.ui = window.SwaggerUIBundle(config);
