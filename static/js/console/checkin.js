// The roster (import from CSV/XLSX, with the bad-row report) and check-in (报到): search by name or
// seat number, check in or out, the count present against the roster.

import { t } from "../i18n.js";
import { ApiError, get, put, request } from "./api.js";
import { act, canWrite, el, needs, showError, state, table } from "./ui.js";

let query = "";
let searchTimer = null;

function rowProblem(row) {
  const key = `roster.problem.${row.code}`;
  const text = t(key);
  return text === key ? row.message : text;
}

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

function importForm(refresh) {
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
      const answer = await request("POST", `/meetings/${state.meeting.id}/roster`, data);
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

function deputyRow(deputy, refresh) {
  const error = el("span", { className: "error", role: "alert", hidden: true });
  const toggle = canWrite()
    ? el(
        "button",
        {
          type: "button",
          className: deputy.checked_in ? "secondary" : "primary",
          dataset: { write: "", deputy: String(deputy.number) },
          "aria-label": t(deputy.checked_in ? "checkin.out_label" : "checkin.in_label", { name: deputy.name, number: deputy.number }),
          onclick: async (event) => {
            const changed = await act(event.currentTarget, error, () =>
              put(`/meetings/${state.meeting.id}/deputies/${deputy.id}/attendance`, { checked_in: !deputy.checked_in }),
            );
            if (changed) await refresh();
          },
        },
        t(deputy.checked_in ? "checkin.out" : "checkin.in"),
      )
    : null;
  return el(
    "tr",
    { dataset: { number: String(deputy.number) }, className: deputy.checked_in ? "present" : "" },
    el("td", { text: deputy.number }),
    el("td", { text: deputy.name }),
    el("td", { text: deputy.delegation || "" }),
    el("td", { className: "presence", text: t(deputy.checked_in ? "checkin.present" : "checkin.absent") }),
    canWrite() ? el("td", {}, toggle, error) : null,
  );
}

export async function render(container) {
  if (!state.meeting) return needs("meeting", container);
  const counts = el("p", { id: "checkin-counts", className: "counts", role: "status" });
  const list = el("div", { id: "deputy-list" });
  const listError = el("p", { className: "error", role: "alert", hidden: true });
  const search = el("input", { id: "deputy-search", type: "search", autocomplete: "off", "aria-describedby": "search-hint" });
  search.value = query;

  async function refresh() {
    try {
      const [meeting, deputies] = await Promise.all([
        get(`/meetings/${state.meeting.id}`),
        get(`/meetings/${state.meeting.id}/deputies?q=${encodeURIComponent(query)}`),
      ]);
      state.meeting = meeting;
      counts.textContent = t("checkin.counts", { present: meeting.present, roster: meeting.deputy_count });
      const headers = ["checkin.number", "checkin.name", "checkin.delegation", "checkin.status"];
      if (canWrite()) headers.push("checkin.action");
      list.replaceChildren(
        deputies.length
          ? table("checkin.list", headers, deputies.map((d) => deputyRow(d, refresh)), { id: "deputies" })
          : el("p", { className: "hint", text: t(query ? "checkin.no_match" : "checkin.empty") }),
      );
      showError(listError, null);
    } catch (error) {
      showError(listError, error);
    }
  }

  search.addEventListener("input", () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => {
      query = search.value.trim();
      refresh();
    }, 250);
  });
  const searchForm = el(
    "form",
    { className: "search", role: "search", novalidate: true },
    el("label", { for: "deputy-search", text: t("checkin.search") }),
    el("p", { id: "search-hint", className: "hint", text: t("checkin.search_hint") }),
    search,
  );
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    query = search.value.trim();
    refresh();
  });
  container.replaceChildren(
    ...[canWrite() ? importForm(refresh) : null, counts, searchForm, listError, list].filter(Boolean),
  );
  await refresh();
}
