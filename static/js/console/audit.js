// @ts-check
// The audit log (审计日志) for scrutineers and clerks: its verification status (the whole hash chain checked by the
// server: verified, or broken at entry N), verified again on request with the time of the last check, and its
// entries, each as a sentence in the page's language at the sitting's local time ("2020-01-18 10:02:05 北京时间 ·
// 工作人员 clerk-li 开启第1轮投票"), with the raw entry as the log keeps it (UTC, JSON) one click away.

import { forPeople } from "../clock.js";
import { t } from "../i18n.js";
import { get } from "./api.js";
import { act, chosenVote, el, state, table } from "./ui.js";

/** @import {AuditEntry, ButtonClick, ChainCheck} from "../types.js" */

const SHOWN = 300;
let onlyVote = true;

/**
 * @param {ChainCheck} check
 * @param {Date} at when it was checked
 */
function verification(check, at) {
  const when = el("p", { className: "meta", id: "audit-verified-at", text: t("audit.verified_at", { at: forPeople(at, { seconds: true }) }) });
  if (check.ok) {
    return el(
      "div",
      { className: "verified card", id: "audit-status", dataset: { ok: "true" }, role: "status" },
      el("p", { className: "big", text: t("audit.verified", { entries: check.entries }) }),
      el("p", { className: "hash", text: t("audit.head", { head: check.head }) }),
      when,
    );
  }
  return el(
    "div",
    { className: "broken card", id: "audit-status", dataset: { ok: "false" }, role: "alert" },
    el("p", { className: "big", text: t("audit.broken", { entry: check.first_bad ?? "?" }) }),
    el("p", { text: check.reason || "" }),
    when,
  );
}

const numbers = (/** @type {number[] | undefined} */ list) => (list && list.length ? list.join(t("console.list_sep")) : "—");

// What the entry's sentence needs besides its details: words for its codes, lists as text.
/** @typedef {Pick<AuditEntry, "action" | "role" | "actor" | "details">} Said what of an entry its sentence says */
/** @param {Said} entry */
function params(entry) {
  const d = entry.details || {};
  return {
    ...d,
    seats: d.seats ?? (d.rules && d.rules.seats),
    kind_name: d.kind ? t(`round.kind.${d.kind}`) : "",
    role_name: d.role ? t(`role.${d.role}`) : "",
    members: numbers(d.members),
    deputies: Array.isArray(d.deputies) ? numbers(d.deputies) : d.deputies,
    outcome: d.passed === undefined ? "" : t(d.passed ? "audit.drill_passed" : "audit.drill_failed"),
  };
}

// "工作人员 clerk-li 开启第1轮投票（第一轮，应选10个，实到代表230人）" in the page's language; an action the
// catalog does not know yet is shown by its code.
/** @param {Said} entry */
export function sentence(entry) {
  const key = `audit.says.${entry.action}`;
  const says = t(key, params(entry));
  const who = t("audit.who", { role: t(`role.${entry.role}`), actor: entry.actor });
  const training = entry.details && entry.details.training ? t("audit.training") : "";
  return `${who} ${says === key ? entry.action : says}${training}`;
}

/** @param {AuditEntry} entry */
function row(entry) {
  return el(
    "tr",
    { dataset: { seq: String(entry.seq), action: entry.action } },
    el("td", { text: entry.seq }),
    el("td", { className: "when", text: forPeople(entry.at, { seconds: true }) }),
    el(
      "td",
      { className: "entry" },
      el("p", { className: "says", text: sentence(entry) }),
      entry.vote_id ? el("p", { className: "meta", text: t("audit.of_vote", { vote: entry.vote_id }) }) : null,
      el("details", { className: "raw" }, el("summary", { text: t("audit.raw") }), el("pre", { text: JSON.stringify(entry, null, 1) })),
    ),
  );
}

/** @param {HTMLElement} container */
async function verify(container) {
  /** @type {ChainCheck} */
  const check = await get("/audit/verify");
  const status = verification(check, new Date());
  const shown = container.querySelector("#audit-status");
  if (shown) shown.replaceWith(status);
  return status;
}

/** @param {HTMLElement} container */
export async function render(container) {
  const useVote = Boolean(state.vote) && onlyVote;
  /** @type {[ChainCheck, AuditEntry[]]} */
  const [check, entries] = await Promise.all([get("/audit/verify"), get(useVote ? `/audit?vote_id=${chosenVote().id}` : "/audit")]);
  const checkedAt = new Date();
  const latest = entries.slice(-SHOWN).reverse();
  const problem = el("p", { className: "error", id: "audit-verify-error", role: "alert", hidden: true });
  const again = el("button", {
    type: "button",
    id: "audit-verify-again",
    className: "primary",
    text: t("audit.verify_again"),
    onclick: async (/** @type {ButtonClick} */ event) => {
      const button = event.currentTarget;
      await act(button, problem, () => verify(container));
      button.focus();
    },
  });
  const filter = state.vote
    ? el(
        "span",
        { className: "check" },
        el("input", {
          type: "checkbox",
          id: "audit-only-vote",
          checked: onlyVote,
          onchange: (/** @type {Event & {currentTarget: HTMLInputElement}} */ event) => {
            onlyVote = event.currentTarget.checked;
            render(container);
          },
        }),
        el("label", { for: "audit-only-vote", text: t("audit.only_vote") }),
      )
    : null;
  container.replaceChildren(
    ...[
      verification(check, checkedAt),
      el("p", {}, again),
      problem,
      filter,
      el("p", { className: "meta", id: "audit-count", text: t("audit.count", { shown: latest.length, total: entries.length }) }),
      table("audit.table", ["audit.seq", "audit.at", "audit.entry"], latest.map(row), { id: "audit-entries" }),
    ].filter((part) => part !== null),
  );
}
