// @ts-check
// The roster import (CSV/XLSX, all rows or none) with the bad-row report: shown on the check-in screen.

import { inBody } from "../base.js";
import { t } from "../i18n.js";
import { ApiError, request } from "./api.js";
import { chosenMeeting, el, showError, table } from "./ui.js";

/** @import {RosterProblem} from "../types.js" */

/** @param {RosterProblem} row */
function rowProblem(row) {
  const key = `roster.problem.${row.code}`;
  const text = t(key);
  return text === key ? row.message : text;
}

/** @param {RosterProblem[]} rows */
function badRows(rows) {
  return table(
    "roster.report",
    ["roster.row", "roster.field", "roster.problem"],
    rows.map((row) =>
      el(
        "tr",
        {},
        el("td", { text: row.row }),
        el("td", { text: t(`roster.field.${row.field}`) }),
        el("td", { text: rowProblem(row) }),
      ),
    ),
    { id: "roster-report" },
  );
}

// `refresh` reads the roster again once it is imported.
/** @param {() => Promise<unknown>} refresh */
export function importForm(refresh) {
  const error = el("p", { className: "error", role: "alert", id: "roster-error", hidden: true });
  const report = el("div", { id: "roster-report-box" });
  const done = el("p", { role: "status", id: "roster-status" });
  const file = el("input", { id: "roster-file", type: "file", accept: ".csv,.xlsx", "aria-describedby": "roster-hint roster-error" });
  const submit = el("button", { type: "submit", className: "primary", id: "roster-import", dataset: { write: "" } }, t("roster.import"));
  const form = el(
    "form",
    { className: "card", novalidate: true, "aria-labelledby": "roster-heading" },
    el("h3", { id: "roster-heading", text: t("roster.heading") }),
    el("label", { for: "roster-file", text: t("roster.file") }),
    el("p", { id: "roster-hint", className: "hint", text: t("roster.hint") }),
    el(
      "p",
      { id: "roster-sample", className: "hint" },
      t("roster.sample"),
      " ",
      el("a", { href: inBody("/api/v1/meetings/roster-sample.csv"), download: "", id: "roster-sample-csv", text: t("roster.sample_csv") }),
      " · ",
      el("a", { href: inBody("/api/v1/meetings/roster-sample.xlsx"), download: "", id: "roster-sample-xlsx", text: t("roster.sample_xlsx") }),
    ),
    file,
    submit,
    done,
    error,
    report,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    report.replaceChildren();
    done.textContent = "";
    if (!file.files || !file.files.length) {
      showError(error, { message: t("roster.choose_file") });
      file.focus();
      return;
    }
    const data = new FormData();
    data.append("file", file.files[0]);
    submit.disabled = true;
    showError(error, null);
    try {
      const answer = await request("POST", `/meetings/${chosenMeeting().id}/roster`, data);
      done.textContent = t("roster.imported", { count: answer.imported });
      file.value = "";
      await refresh();
    } catch (problem) {
      showError(error, problem);
      if (problem instanceof ApiError && Array.isArray(problem.body.rows)) report.replaceChildren(badRows(problem.body.rows));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
