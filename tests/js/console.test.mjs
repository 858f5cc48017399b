// @ts-check
// The console's pure parts: the check-in search, the paper ballot's quick field, the audit entry's sentence,
// and what an API failure becomes (static/js/console/).

import assert from "node:assert/strict";
import { before, test } from "node:test";

import { ApiError } from "../../static/js/console/api.js";
import { sentence } from "../../static/js/console/audit.js";
import { find, matches } from "../../static/js/console/checkin.js";
import { numbersIn } from "../../static/js/console/paper.js";
import { screenNamed } from "../../static/js/console/ui.js";
import { load } from "../../static/js/i18n.js";
import { installBrowser } from "./support.mjs";

before(async () => {
  installBrowser();
  await load("zh", ["console"]);
});

const roster = [
  { id: 11, number: 1, name: "王芳", delegation: "米市巷街道", checked_in: true },
  { id: 12, number: 2, name: "王芳芳", delegation: "湖墅街道", checked_in: false },
  { id: 13, number: 12, name: "李明", delegation: "湖墅街道", checked_in: false },
  { id: 14, number: 21, name: "张伟", delegation: null, checked_in: true },
];
const all = { query: "", filter: "all", delegation: "", page: 0 };
const numbers = (/** @type {{number: number}[]} */ deputies) => deputies.map((d) => d.number);

test("the check-in desk finds a deputy by seat number, else by the exact name, else by part of it", () => {
  assert.deepEqual(numbers(find(roster, "12")), [12]);
  assert.deepEqual(numbers(find(roster, "99")), []);
  assert.deepEqual(numbers(find(roster, "王芳")), [1]);
  assert.deepEqual(numbers(find(roster, "芳")), [1, 2]);
  assert.deepEqual(numbers(find(roster, "赵")), []);
});

test("the list's filters: presence, delegation, and a search by seat, name or delegation", () => {
  const shown = (/** @type {Partial<import("../../static/js/console/checkin.js").View>} */ filters) => numbers(roster.filter((d) => matches(d, { ...all, ...filters })));
  assert.deepEqual(shown({}), [1, 2, 12, 21]);
  assert.deepEqual(shown({ filter: "absent" }), [2, 12]);
  assert.deepEqual(shown({ filter: "present" }), [1, 21]);
  assert.deepEqual(shown({ delegation: "湖墅街道" }), [2, 12]);
  assert.deepEqual(shown({ delegation: "湖墅街道", filter: "present" }), []);
  // A number is a seat, or part of a name or delegation: "1" is seat 1, never seats 12 and 21.
  assert.deepEqual(shown({ query: "1" }), [1]);
  assert.deepEqual(shown({ query: "湖墅" }), [2, 12]);
  assert.deepEqual(shown({ query: "王" }), [1, 2]);
});

test("the paper ballot's quick field: the projects on the ballot, once each, in order", () => {
  const projects = [1, 2, 3, 5, 10, 12];
  assert.deepEqual(numbersIn("1 3 5", projects), [1, 3, 5]);
  assert.deepEqual(numbersIn("12,3;3 10", projects), [3, 10, 12]);
  assert.deepEqual(numbersIn("4 7 13 0", projects), []);
  assert.deepEqual(numbersIn("", projects), []);
  assert.deepEqual(numbersIn("1.5", projects), [1, 5]);
});

test("an audit entry as a sentence, with the words for its codes and the training mark", () => {
  const entry = {
    action: "round.opened",
    role: "clerk",
    actor: "clerk-li",
    details: { round: 2, kind: "tie_break", seats: 1, deputies_present: 230, training: true },
  };
  assert.equal(sentence(entry), "工作人员 clerk-li 开启第2轮投票（再次投票，应选1个，实到代表230人）（演练）");
});

test("an action the catalog does not know yet is shown by its code", () => {
  assert.equal(sentence({ action: "vote.moved", role: "clerk", actor: "clerk-li", details: {} }), "工作人员 clerk-li vote.moved");
});

test("the address's #hash opens one of the console's screens, and nothing else", () => {
  const screens = { meetings: {}, checkin: {}, audit: {} };
  assert.equal(screenNamed("audit", screens), "audit");
  assert.equal(screenNamed("", screens), "meetings");
  assert.equal(screenNamed("results", screens), "meetings");
  // What every object has is no screen: the console once fell back to the login form for /console#constructor.
  for (const inherited of ["constructor", "toString", "__proto__", "hasOwnProperty"]) assert.equal(screenNamed(inherited, screens), "meetings");
});

test("an API failure carries the server's message and code, a lost connection the catalog's words", () => {
  const refused = new ApiError(409, { code: "round_not_open", message: "本轮投票未开启", field: "round" });
  assert.equal(refused.message, "本轮投票未开启");
  assert.equal(refused.code, "round_not_open");
  assert.equal(refused.status, 409);
  const lost = new ApiError(0, null);
  assert.equal(lost.code, "network");
  assert.equal(lost.message, "无法连接服务器，请检查网络后重试。");
  assert.deepEqual(lost.body, {});
  assert.equal(new ApiError(502, null).code, "error");
});
