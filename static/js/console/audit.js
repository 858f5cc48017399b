// The audit log (审计日志): its verification status (the whole hash chain checked by the server:
// verified, or broken at entry N) and its entries, for the chosen vote or all.

import { t } from "../i18n.js";
import { get } from "./api.js";
import { el, state, table } from "./ui.js";

const SHOWN = 300;
let onlyVote = true;

function verification(check) {
  if (check.ok) {
    return el(
      "div",
      { className: "verified card", id: "audit-status", dataset: { ok: "true" }, role: "status" },
      el("p", { className: "big", text: t("audit.verified", { entries: check.entries }) }),
      el("p", { className: "hash", text: t("audit.head", { head: check.head }) }),
    );
  }
  return el(
    "div",
    { className: "broken card", id: "audit-status", dataset: { ok: "false" }, role: "alert" },
    el("p", { className: "big", text: t("audit.broken", { entry: check.first_bad ?? "?" }) }),
    el("p", { text: check.reason || "" }),
  );
}

export async function render(container) {
  const useVote = Boolean(state.vote) && onlyVote;
  const [check, entries] = await Promise.all([get("/audit/verify"), get(useVote ? `/audit?vote_id=${state.vote.id}` : "/audit")]);
  const latest = entries.slice(-SHOWN).reverse();
  const rows = latest.map((e) =>
    el(
      "tr",
      { dataset: { seq: String(e.seq) } },
      el("td", { text: e.seq }),
      el("td", { text: e.at }),
      el("td", { text: `${e.actor} (${t(`role.${e.role}`)})` }),
      el("td", { text: e.action }),
      el("td", { text: e.vote_id ?? "" }),
      el("td", { className: "details", text: JSON.stringify(e.details) }),
    ),
  );
  const filter = state.vote
    ? el(
        "span",
        { className: "check" },
        el("input", {
          type: "checkbox",
          id: "audit-only-vote",
          checked: onlyVote,
          onchange: (event) => {
            onlyVote = event.currentTarget.checked;
            render(container);
          },
        }),
        el("label", { for: "audit-only-vote", text: t("audit.only_vote") }),
      )
    : null;
  container.replaceChildren(
    ...[
      verification(check),
      filter,
      el("p", { className: "meta", id: "audit-count", text: t("audit.count", { shown: latest.length, total: entries.length }) }),
      table("audit.table", ["audit.seq", "audit.at", "audit.actor", "audit.action", "audit.vote", "audit.details"], rows, { id: "audit-entries" }),
    ].filter(Boolean),
  );
}
