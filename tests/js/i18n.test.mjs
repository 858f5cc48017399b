// @ts-check
// The catalogs' lookup (static/js/i18n.js): a key's text in the page's language with its {placeholders}
// filled, the language remembered in the `lang` cookie, a project's title in the language it has.

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { language, load, roundName, t, titleOf } from "../../static/js/i18n.js";
import { installBrowser } from "./support.mjs";

beforeEach(() => installBrowser());

test("Chinese by default, the placeholders filled from the catalog", async () => {
  assert.equal(await load(undefined, ["ballot"]), "zh");
  assert.equal(document.documentElement.lang, "zh-CN");
  assert.equal(t("ballot.round", { round: "第 1 轮（第一轮）", seats: 10 }), "第 1 轮（第一轮），应选 10 项");
});

test("a key the catalogs lack is shown as itself, a placeholder without its value as written", async () => {
  await load("en", ["ballot"]);
  assert.equal(t("no.such.key"), "no.such.key");
  assert.equal(t("round.named", { round: 2 }), "Round 2 ({kind})");
});

test("the language chosen is kept in the cookie every page and the API read", async () => {
  await load("en", []);
  assert.equal(language(), "en");
  assert.equal(document.documentElement.lang, "en");
  assert.match(document.cookie, /^lang=en;/);
  assert.equal(window.localStorage.getItem("lang"), "en");
});

test("the cookie overrules what localStorage kept (the home page's switch sets only the cookie)", async () => {
  document.cookie = "theme=dark; lang=en";
  window.localStorage.setItem("lang", "zh");
  assert.equal(await load(), "en");
  document.cookie = "";
  window.localStorage.setItem("lang", "en");
  assert.equal(await load(), "en");
  document.cookie = "";
  window.localStorage.setItem("lang", "fr");
  assert.equal(await load(), "zh");
});

test("a round is named as on every page and the tally sheet", async () => {
  await load("zh", []);
  assert.equal(roundName(2, "tie_break"), "第 2 轮（再次投票）");
  assert.equal(roundName(3, "shortfall"), "第 3 轮（另行票决）");
  await load("en", []);
  assert.equal(roundName(2, "tie_break"), "Round 2 (tie-break round)");
});

test("a title in English when it has one, else in Chinese", async () => {
  const project = { title_zh: "老旧小区改造", title_en: "Old estates renewed", detail_zh: "加装电梯" };
  await load("en", []);
  assert.equal(titleOf(project), "Old estates renewed");
  assert.equal(titleOf(project, "detail"), "加装电梯");
  assert.equal(titleOf({ title_zh: "老旧小区改造", title_en: "" }), "老旧小区改造");
  assert.equal(titleOf(null), "");
  await load("zh", []);
  assert.equal(titleOf(project), "老旧小区改造");
  assert.equal(titleOf({}), "");
});

test("a catalog that cannot be read fails the load, naming it", async () => {
  await assert.rejects(load("zh", ["no-such-page"]), /catalog zh\/no-such-page: 404/);
});
