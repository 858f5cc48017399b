// @ts-check
// Check-in (报到) at the pace of the hall.  The keyboard path: type a seat number (or a name), Enter; the
// deputy is checked in, the confirmation is spoken (aria-live) and shown, and the field is empty and
// focused for the next one.  The list is a page of PAGE_SIZE rows at a time, filtered (not yet checked
// in / checked in, a delegation, a search); many deputies at once (all shown, a range of seats) are
// checked in with one request to the bulk API.  Checking out asks first; the server refuses it once
// every vote of the meeting is published.  The roster is read once and kept in this page's memory.

import { t } from "../i18n.js";
import { get, put } from "./api.js";
import { act, canWrite, chosenMeeting, confirmDialog, el, needs, showError, state, table } from "./ui.js";
import { importForm } from "./roster.js";

/** @import {AttendanceChanged, ButtonClick, Deputy} from "../types.js" */
/** @typedef {{query: string, filter: string, delegation: string, page: number}} View */

const PAGE_SIZE = 20;
/** @type {View} */
const view = { query: "", filter: "all", delegation: "", page: 0 };
/** @type {Set<number>} */
const selected = new Set();
/** @type {Deputy[]} */
let roster = [];
/** @type {Promise<unknown>} */
let queue = Promise.resolve();

// Whether the list, filtered as the clerk chose (not yet checked in / checked in, a delegation, a search by
// seat number, name or delegation), shows the deputy.
/**
 * @param {Deputy} deputy
 * @param {View} filters
 */
export function matches(deputy, filters) {
  if (filters.filter === "absent" && deputy.checked_in) return false;
  if (filters.filter === "present" && !deputy.checked_in) return false;
  if (filters.delegation && deputy.delegation !== filters.delegation) return false;
  const term = filters.query;
  if (!term) return true;
  if (/^\d+$/.test(term) && deputy.number === Number(term)) return true;
  return deputy.name.includes(term) || (deputy.delegation || "").includes(term);
}

const shown = () => roster.filter((deputy) => matches(deputy, view));

// What the clerk typed: a seat number, or a name (exact first, else the names containing it).
/**
 * @param {Deputy[]} deputies
 * @param {string} text
 */
export function find(deputies, text) {
  if (/^\d+$/.test(text)) return deputies.filter((d) => d.number === Number(text));
  const exact = deputies.filter((d) => d.name === text);
  return exact.length ? exact : deputies.filter((d) => d.name.includes(text));
}

const who = (/** @type {{number: number, name: string}} */ d) => t("round.deputy", { number: d.number, name: d.name });

/** @param {HTMLElement} container */
export async function render(container) {
  if (!state.meeting) return needs("meeting", container);
  const counts = el("p", { id: "checkin-counts", className: "counts" });
  const said = el("p", { id: "checkin-said", className: "said", role: "status", "aria-live": "polite" });
  const list = el("div", { id: "deputy-list" });
  const pager = el("nav", { className: "pager", id: "checkin-pager", "aria-label": t("checkin.pages") });
  const listError = el("p", { className: "error", role: "alert", hidden: true, id: "checkin-error" });
  const bulk = el("div", { className: "actions bulk", id: "checkin-bulk" });

  /**
   * @param {string} text
   * @param {boolean} ok
   */
  function say(text, ok) {
    said.textContent = text;
    said.className = ok ? "said ok" : "said bad";
  }

  function drawCounts() {
    const present = roster.filter((d) => d.checked_in).length;
    counts.textContent = t("checkin.counts", { present, roster: roster.length });
    state.meeting = { ...chosenMeeting(), present, deputy_count: roster.length };
  }

  /**
   * @param {Deputy} deputy
   * @param {HTMLInputElement} box
   */
  function toggleRow(deputy, box) {
    if (box.checked) selected.add(deputy.id);
    else selected.delete(deputy.id);
    drawBulk();
  }

  /** @param {Deputy} deputy */
  function row(deputy) {
    const error = el("span", { className: "error", role: "alert", hidden: true });
    const pick = canWrite()
      ? el("input", { type: "checkbox", className: "pick", dataset: { deputy: String(deputy.number) }, "aria-label": t("checkin.select_label", { number: deputy.number, name: deputy.name }) })
      : null;
    if (pick) {
      pick.checked = selected.has(deputy.id);
      pick.addEventListener("change", () => toggleRow(deputy, pick));
    }
    const toggle = canWrite()
      ? el(
          "button",
          {
            type: "button",
            className: deputy.checked_in ? "secondary" : "primary",
            dataset: { write: "", deputy: String(deputy.number) },
            "aria-label": t(deputy.checked_in ? "checkin.out_label" : "checkin.in_label", { name: deputy.name, number: deputy.number }),
            onclick: (/** @type {ButtonClick} */ event) => (deputy.checked_in ? checkOut([deputy], event.currentTarget, error) : checkIn(deputy, event.currentTarget, error)),
          },
          t(deputy.checked_in ? "checkin.out" : "checkin.in"),
        )
      : null;
    return el(
      "tr",
      { dataset: { number: String(deputy.number) }, className: deputy.checked_in ? "present" : "" },
      el("td", {}, pick, pick ? " " : null, String(deputy.number)),
      el("td", { text: deputy.name }),
      el("td", { text: deputy.delegation || "" }),
      el("td", { className: "presence", text: t(deputy.checked_in ? "checkin.present" : "checkin.absent") }),
      canWrite() ? el("td", {}, toggle, error) : null,
    );
  }

  function drawList() {
    const listed = shown();
    const pages = Math.max(1, Math.ceil(listed.length / PAGE_SIZE));
    view.page = Math.min(view.page, pages - 1);
    const rows = listed.slice(view.page * PAGE_SIZE, (view.page + 1) * PAGE_SIZE);
    const headers = ["checkin.number", "checkin.name", "checkin.delegation", "checkin.status"];
    if (canWrite()) headers.push("checkin.action");
    list.replaceChildren(
      rows.length
        ? table("checkin.list", headers, rows.map(row), { id: "deputies" })
        : el("p", { className: "hint", text: t(roster.length ? "checkin.no_match" : "checkin.empty") }),
    );
    const turn = (/** @type {number} */ step) => () => {
      view.page += step;
      drawList();
    };
    pager.replaceChildren(
      el("button", { type: "button", className: "secondary", id: "page-prev", disabled: view.page === 0, onclick: turn(-1) }, t("checkin.prev")),
      el("span", { id: "page-at", text: t("checkin.page", { page: view.page + 1, pages, count: listed.length }) }),
      el("button", { type: "button", className: "secondary", id: "page-next", disabled: view.page >= pages - 1, onclick: turn(1) }, t("checkin.next")),
    );
    pager.hidden = pages === 1;
    drawCounts();
    drawBulk();
  }

  /** @param {(Partial<Deputy> & {id: number})[]} changed the deputies as the API answers now, or what changed of them */
  function refreshAfter(changed) {
    for (const fresh of changed) {
      const index = roster.findIndex((d) => d.id === fresh.id);
      if (index >= 0) roster[index] = { ...roster[index], ...fresh };
    }
    drawList();
  }

  /**
   * @param {Deputy} deputy
   * @param {HTMLButtonElement} button
   * @param {HTMLElement} error
   */
  async function checkIn(deputy, button, error) {
    /** @type {Deputy | null} */
    const answer = await act(button, error, () => put(`/meetings/${chosenMeeting().id}/deputies/${deputy.id}/attendance`, { checked_in: true }));
    if (answer) {
      refreshAfter([answer]);
      say(t("checkin.done_in", { who: who(answer), present: roster.filter((d) => d.checked_in).length }), true);
    }
  }

  /**
   * @param {Deputy[]} deputies
   * @param {HTMLButtonElement} button
   * @param {HTMLElement} error
   */
  async function checkOut(deputies, button, error) {
    const body = el("div", {}, el("p", { text: t("checkin.out_text", { count: deputies.length }) }), el("ul", { className: "names" }, deputies.slice(0, 10).map((d) => el("li", { text: who(d) }))));
    if (!(await confirmDialog("checkin.out_title", body, "checkin.out_confirm"))) return;
    if (deputies.length === 1) {
      /** @type {Deputy | null} */
      const answer = await act(button, error, () => put(`/meetings/${chosenMeeting().id}/deputies/${deputies[0].id}/attendance`, { checked_in: false }));
      if (answer) {
        refreshAfter([answer]);
        say(t("checkin.done_out", { who: who(answer) }), true);
      }
      return;
    }
    await bulkSet(deputies, false, button);
  }

  /**
   * @param {Deputy[]} deputies
   * @param {boolean} checkedIn
   * @param {HTMLButtonElement} button
   */
  async function bulkSet(deputies, checkedIn, button) {
    const ids = deputies.map((d) => d.id);
    /** @type {AttendanceChanged | null} */
    const answer = await act(button, listError, () => put(`/meetings/${chosenMeeting().id}/attendance`, { deputy_ids: ids, checked_in: checkedIn }));
    if (!answer) return;
    refreshAfter(deputies.map((d) => ({ id: d.id, checked_in: checkedIn })));
    selected.clear();
    drawList();
    say(t(checkedIn ? "checkin.bulk_in_done" : "checkin.bulk_out_done", { count: answer.changed, present: answer.present }), true);
  }

  function drawBulk() {
    if (!canWrite()) return;
    const chosen = roster.filter((d) => selected.has(d.id));
    const from = el("input", { id: "range-from", type: "text", inputmode: "numeric", autocomplete: "off", size: "5" });
    const to = el("input", { id: "range-to", type: "text", inputmode: "numeric", autocomplete: "off", size: "5" });
    bulk.replaceChildren(
      el("button", {
        type: "button",
        className: "secondary",
        id: "select-shown",
        onclick: () => {
          for (const d of shown()) selected.add(d.id);
          drawList();
        },
      }, t("checkin.select_shown", { count: shown().length })),
      el(
        "span",
        { className: "range" },
        el("label", { for: "range-from", text: t("checkin.range_from") }),
        from,
        el("label", { for: "range-to", text: t("checkin.range_to") }),
        to,
        el("button", {
          type: "button",
          className: "secondary",
          id: "select-range",
          onclick: () => {
            const low = Number(from.value);
            const high = Number(to.value || from.value);
            for (const d of roster) if (d.number >= low && d.number <= high) selected.add(d.id);
            drawList();
          },
        }, t("checkin.select_range")),
      ),
      el("button", { type: "button", className: "secondary", id: "select-none", disabled: !chosen.length, onclick: () => { selected.clear(); drawList(); } }, t("checkin.select_none")),
      el("button", { type: "button", className: "primary", id: "bulk-in", disabled: !chosen.some((d) => !d.checked_in), onclick: (/** @type {ButtonClick} */ event) => bulkSet(chosen.filter((d) => !d.checked_in), true, event.currentTarget) }, t("checkin.bulk_in", { count: chosen.filter((d) => !d.checked_in).length })),
      el("button", { type: "button", className: "danger", id: "bulk-out", disabled: !chosen.some((d) => d.checked_in), onclick: (/** @type {ButtonClick} */ event) => checkOut(chosen.filter((d) => d.checked_in), event.currentTarget, listError) }, t("checkin.bulk_out", { count: chosen.filter((d) => d.checked_in).length })),
    );
  }

  // The keyboard path: the field is emptied at once (the clerk may type the next seat while this one is
  // sent), the requests go one after another, and each says who was checked in.
  function quickForm() {
    const field = el("input", { id: "checkin-quick", type: "text", autocomplete: "off", enterkeyhint: "done", "aria-describedby": "checkin-quick-hint checkin-said" });
    const form = el(
      "form",
      { className: "card quick-checkin", id: "checkin-quick-form", novalidate: true, "aria-labelledby": "checkin-quick-heading" },
      el("h3", { id: "checkin-quick-heading", text: t("checkin.quick_heading") }),
      el("label", { for: field.id, text: t("checkin.quick") }),
      el("p", { id: "checkin-quick-hint", className: "hint", text: t("checkin.quick_hint") }),
      el("div", { className: "inline" }, field, el("button", { type: "submit", className: "primary", id: "checkin-quick-submit" }, t("checkin.in"))),
      said,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = field.value.trim();
      field.value = "";
      field.focus();
      queue = queue.then(() => quickCheckIn(text));
    });
    return form;
  }

  /** @param {string} text */
  async function quickCheckIn(text) {
    if (!text) return say(t("checkin.quick_empty"), false);
    const found = find(roster, text);
    if (!found.length) return say(t("checkin.quick_none", { text }), false);
    if (found.length > 1) return say(t("checkin.quick_many", { count: found.length, text, names: found.slice(0, 5).map(who).join(t("console.list_sep")) }), false);
    const deputy = found[0];
    if (deputy.checked_in) return say(t("checkin.quick_already", { who: who(deputy) }), false);
    try {
      /** @type {Deputy} */
      const answer = await put(`/meetings/${chosenMeeting().id}/deputies/${deputy.id}/attendance`, { checked_in: true });
      refreshAfter([answer]);
      say(t("checkin.done_in", { who: who(answer), present: roster.filter((d) => d.checked_in).length }), true);
    } catch (error) {
      say(`${who(deputy)}: ${/** @type {Error} */ (error).message}`, false);
    }
  }

  function filters() {
    const search = el("input", { id: "deputy-search", type: "search", autocomplete: "off", "aria-describedby": "search-hint" });
    search.value = view.query;
    search.addEventListener("input", () => {
      view.query = search.value.trim();
      view.page = 0;
      drawList();
    });
    /**
     * @param {string} id
     * @param {string} label catalog key
     * @param {[string, string][]} options value and text
     * @param {"filter" | "delegation"} key
     */
    const choose = (id, label, options, key) => {
      const select = el("select", { id }, options.map(([value, text]) => el("option", { value, text })));
      select.value = view[key];
      select.addEventListener("change", () => {
        view[key] = select.value;
        view.page = 0;
        drawList();
      });
      return el("span", { className: "filter" }, el("label", { for: id, text: t(label) }), select);
    };
    const delegations = [...new Set(roster.map((d) => d.delegation || "").filter((d) => d !== ""))].sort();
    const form = el(
      "form",
      { className: "search", role: "search", novalidate: true },
      el("label", { for: "deputy-search", text: t("checkin.search") }),
      el("p", { id: "search-hint", className: "hint", text: t("checkin.search_hint") }),
      search,
      el(
        "div",
        { className: "filters" },
        choose("checkin-filter", "checkin.filter", [["all", t("checkin.filter_all")], ["absent", t("checkin.filter_absent")], ["present", t("checkin.filter_present")]], "filter"),
        choose("checkin-delegation", "checkin.delegation_filter", [["", t("checkin.delegation_all")], ...delegations.map((d) => /** @type {[string, string]} */ ([d, d]))], "delegation"),
      ),
    );
    form.addEventListener("submit", (event) => event.preventDefault());
    return form;
  }

  async function reload() {
    try {
      roster = await get(`/meetings/${chosenMeeting().id}/deputies`);
      for (const id of [...selected]) if (!roster.some((d) => d.id === id)) selected.delete(id);
      showError(listError, null);
    } catch (error) {
      showError(listError, error);
    }
  }

  await reload();
  let filterForm = filters();
  const afterImport = async () => {
    await reload();
    const fresh = filters();
    filterForm.replaceWith(fresh);
    filterForm = fresh;
    drawList();
  };
  // In the order of the desk's work during the sitting; the roster import, done before it, comes last.
  const parts = [
    counts,
    canWrite() ? quickForm() : null,
    filterForm,
    bulk,
    listError,
    list,
    pager,
    canWrite() ? importForm(afterImport) : null,
  ];
  container.replaceChildren(...parts.filter((part) => part !== null));
  drawList();
}
