// @ts-check
// Exports (导出): the tally sheet (PDF, XLSX, CSV), the announcement (宣读稿), the ballot lists, the
// audit log and the verification bundle, each offered only when the API allows it.  Before
// publication the server marks them 未公布 / UNOFFICIAL in title and file name.

import { inBody } from "../base.js";
import { t } from "../i18n.js";
import { get } from "./api.js";
import { el, hooks, state } from "./ui.js";

/** @import {MissingGlyph, Round, Vote} from "../types.js" */

/**
 * @param {string} href
 * @param {string} key catalog key of the link's text
 * @param {string} id
 * @param {Record<string, unknown>} [params] the text's parameters
 */
function link(href, key, id, params = {}) {
  return el("li", {}, el("a", { href: inBody(href), download: "", id, className: "download", text: t(key, params) }));
}

/** @param {HTMLElement} container */
export async function render(container) {
  /** @type {HTMLElement[]} */
  const parts = [];
  if (!state.vote) {
    parts.push(el("p", { className: "hint", text: t("console.needs.vote") }));
  } else {
    /** @type {[Vote, Round[]]} */
    const [vote, rounds] = await Promise.all([get(`/votes/${state.vote.id}`), get(`/votes/${state.vote.id}/rounds`)]);
    state.vote = vote;
    const base = `/api/v1/votes/${vote.id}`;
    parts.push(
      el("p", { className: vote.state === "published" ? "done" : "warning", id: "exports-official", text: t(vote.state === "published" ? "exports.official" : "exports.unofficial") }),
    );
    const counted = rounds.filter((r) => r.state === "counted");
    const closed = rounds.filter((r) => r.state === "closed" || r.state === "counted");
    /** @type {HTMLLIElement[]} */
    const sheet = [];
    if (counted.length) {
      sheet.push(
        link(`${base}/tally-sheet.pdf`, "exports.pdf", "export-pdf"),
        link(`${base}/tally-sheet.xlsx`, "exports.xlsx", "export-xlsx"),
        link(`${base}/tally-sheet.csv`, "exports.csv", "export-csv"),
        link(`${base}/announcement.txt?lang=zh`, "exports.announcement_zh", "export-announcement-zh"),
        link(`${base}/announcement.txt?lang=en`, "exports.announcement_en", "export-announcement-en"),
      );
    }
    parts.push(el("h3", { text: t("exports.sheet") }));
    parts.push(sheet.length ? el("ul", { className: "downloads" }, sheet) : el("p", { className: "hint", id: "exports-no-count", text: t("exports.no_count") }));
    if (counted.length) {
      // Characters no installed font draws would print as boxes on the PDF (a rare character in a name).
      /** @type {{missing: MissingGlyph[]}} */
      const { missing } = await get(`/votes/${vote.id}/tally-sheet/glyphs`);
      if (missing.length) {
        const list = missing.map((g) => `${g.character} (${g.codepoint}: ${g.texts.join(" / ")})`).join(" · ");
        parts.push(el("p", { className: "warning", id: "exports-missing-glyphs", role: "status", text: t("exports.missing_glyphs", { list }) }));
      }
    }
    parts.push(el("h3", { text: t("exports.ballots") }));
    parts.push(
      closed.length
        ? el("ul", { className: "downloads" }, closed.map((r) => link(`/api/v1/rounds/${r.id}/ballots.csv`, "exports.ballot_list", `export-ballots-${r.number}`, { round: r.number })))
        : el("p", { className: "hint", text: t("exports.no_closed") }),
    );
    parts.push(el("h3", { text: t("exports.verify") }));
    parts.push(el("ul", { className: "downloads" }, link(`${base}/bundle.zip`, "exports.bundle", "export-bundle")));
  }
  parts.push(el("h3", { text: t("exports.audit_heading") }));
  parts.push(el("ul", { className: "downloads" }, link("/api/v1/audit/export", "exports.audit", "export-audit")));
  container.replaceChildren(...parts);
  hooks.context();
}
