// @ts-check
// Catalogs of user-visible text, one file per page plus "common": Simplified Chinese by default, English by a switch that persists
// (a `lang` cookie, which the server-rendered home page and the API read too, and localStorage as a fallback).

export const LANGUAGES = ["zh", "en"];
const DEFAULT = "zh";
const KEY = "lang";

let current = DEFAULT;
/** @type {Record<string, string>} */
let messages = {};

// The cookie first: the home page's switch (server-rendered, no script) sets only the cookie, and a stale
// localStorage must not overrule it (nor, through remember(), set the cookie back). localStorage is the
// fallback for a browser that keeps no cookies.
/** @returns {string} */
function stored() {
  const match = document.cookie.match(/(?:^|;\s*)lang=([a-z]+)/);
  /** @type {string | null} */
  let chosen = match ? match[1] : null;
  if (!chosen || !LANGUAGES.includes(chosen)) {
    try {
      chosen = window.localStorage.getItem(KEY);
    } catch {
      chosen = null;
    }
  }
  return chosen && LANGUAGES.includes(chosen) ? chosen : DEFAULT;
}

/** @param {string} language */
function remember(language) {
  try {
    window.localStorage.setItem(KEY, language);
  } catch {
    // Private mode without storage: the cookie still carries the choice.
  }
  document.cookie = `lang=${language}; path=/; max-age=31536000; SameSite=Lax`;
}

export function language() {
  return current;
}

// The catalogs this page uses, besides "common" (static/i18n/<language>/<name>.json); set once by the page.
/** @type {string[]} */
let catalogs = [];

/**
 * @param {string} [language]
 * @param {string[]} [names]
 */
export async function load(language = stored(), names = catalogs) {
  catalogs = names;
  const files = ["common", ...names].map(async (name) => {
    const response = await fetch(`/static/i18n/${language}/${name}.json`, { cache: "no-cache" });
    if (!response.ok) throw new Error(`catalog ${language}/${name}: ${response.status}`);
    return response.json();
  });
  messages = Object.assign({}, ...(await Promise.all(files)));
  current = language;
  remember(language);
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  return current;
}

/**
 * @param {string} key
 * @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  const template = messages[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// Fill every element marked data-i18n (its text) or data-i18n-aria-label (its aria-label).
/** @param {ParentNode} [root] */
export function apply(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(/** @type {HTMLElement} */ (element).dataset.i18n || "");
  }
  for (const element of root.querySelectorAll("[data-i18n-aria-label]")) {
    element.setAttribute("aria-label", t(/** @type {HTMLElement} */ (element).dataset.i18nAriaLabel || ""));
  }
}

// The item's text in the current language: its `<field>_en` in English when there is one, else `<field>_zh`.
// `any` values: the item is any of the API's shapes with text fields (a vote, a meeting, a project, a drill).
/**
 * @param {Record<string, any> | null | undefined} item
 * @param {string} [field]
 * @returns {string}
 */
export function titleOf(item, field = "title") {
  if (!item) return "";
  const english = item[`${field}_en`];
  return language() === "en" && english ? english : item[`${field}_zh`] || "";
}

// A round as every page names it (the common catalog, DESIGN section 2): 第 2 轮（再次投票）, Round 2 (tie-break round).
/**
 * @param {number} number
 * @param {string} kind
 */
export function roundName(number, kind) {
  return t("round.named", { round: number, kind: t(`round.kind.${kind}`) });
}

// The language switch (a button): loads the other language, fills the page's marked text again, lets the
// page re-draw what it wrote itself (`rerender`, may be async), and leaves the focus on the switch.
/**
 * @param {HTMLElement} button
 * @param {() => unknown} [rerender]
 */
export function languageSwitch(button, rerender = () => undefined) {
  button.addEventListener("click", async () => {
    await load(current === "zh" ? "en" : "zh");
    apply();
    await rerender();
    button.focus();
  });
}
