// @ts-check
// Voting-code slips (投票码条): issue codes to the checked-in deputies who hold none (the default: it never
// voids a printed slip, so pressing it after a reload is safe), reissue one lost slip, or, only after a
// confirmation that says how many printed slips it voids, reissue them all.  The sheet is for the
// browser's print, each slip with the deputy's name and seat, the code in large type and a QR code of
// <public address>/ballot?code=<CODE>; the address is the server's VOTING_PUBLIC_URL (or the browser's),
// and the screen warns before printing when phones in the hall could not open it.  Only the slips ticked
// "print" are printed: the new ones, or a chosen few; once printed they are unticked.  The codes live
// only in this page's memory: never stored, never sent anywhere else; a reload forgets them (the
// deputies keep their printed slips, which stay valid).

import qrcode from "../../vendor/qrcode-generator/qrcode.mjs";
import { t } from "../i18n.js";
import { get, post } from "./api.js";
import { act, canWrite, chosenVote, confirmDialog, el, needs, showError, state, writeButton } from "./ui.js";

/** @import {BallotAddress, CodeHolder, IssuedCode, Slip} from "../types.js" */

const SVG = "http://www.w3.org/2000/svg";
let lastDone = "";

// deputy id -> { deputy, code, pick } for the vote chosen: pick means "print this slip next".
function codesOfVote() {
  let codes = state.codes.get(chosenVote().id);
  if (!codes) {
    codes = new Map();
    state.codes.set(chosenVote().id, codes);
  }
  return codes;
}

/**
 * @param {string} base the public address
 * @param {string} code
 */
function ballotUrl(base, code) {
  return `${base}/ballot?code=${encodeURIComponent(code)}`;
}

// The QR code as SVG, built with attributes only (the CSP refuses inline style); data-url is what it carries.
/**
 * @param {string} text
 * @param {string} label
 */
function qrSvg(text, label) {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const margin = 4;
  const size = count + margin * 2;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("class", "qr");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.dataset.url = text;
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const path = document.createElementNS(SVG, "path");
  let d = "";
  for (let row = 0; row < count; row += 1) {
    for (let column = 0; column < count; column += 1) {
      if (qr.isDark(row, column)) d += `M${column + margin} ${row + margin}h1v1h-1z`;
    }
  }
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(background, path);
  return svg;
}

/**
 * @param {Slip} item
 * @param {string} base the public address
 * @param {() => void} redraw
 */
function slip(item, base, redraw) {
  const { deputy, code } = item;
  const pick = el("input", { type: "checkbox", id: `pick-${deputy.id}`, className: "slip-pick-box" });
  pick.checked = item.pick;
  pick.addEventListener("change", () => {
    item.pick = pick.checked;
    redraw();
  });
  return el(
    "article",
    { className: item.pick ? "slip picked" : "slip", dataset: { deputy: String(deputy.number) } },
    el("p", { className: "slip-pick" }, pick, el("label", { for: pick.id, text: t("slips.pick", { number: deputy.number }) })),
    el("p", { className: "slip-vote", text: chosenVote().title_zh }),
    chosenVote().training ? el("p", { className: "slip-training", text: t("console.training_mark") }) : null,
    el("p", { className: "slip-who" }, el("span", { className: "slip-seat", text: t("slips.seat", { number: deputy.number }) }), " ", el("span", { className: "slip-name", text: deputy.name })),
    el("p", { className: "slip-code-label", text: t("term.voting_code") }),
    el("p", { className: "slip-code", text: code }),
    qrSvg(ballotUrl(base, code), t("slips.qr_label", { name: deputy.name })),
    el("p", { className: "slip-how", text: t("slips.how", { url: `${base}/ballot` }) }),
  );
}

/** @param {BallotAddress} address */
function addressNotice(address) {
  const parts = [el("p", { id: "slips-address", text: t(address.configured ? "slips.address_configured" : "slips.address_guessed", { url: `${address.base}/ballot` }) })];
  if (address.problem) {
    parts.push(
      el("p", { className: "warning", id: "slips-address-warning", text: t(`slips.address.${address.problem}`) }),
      el("p", { className: "hint", text: t("slips.address_fix") }),
    );
  }
  return el("div", { className: address.problem ? "card address-bad" : "card", id: "slips-address-box" }, ...parts);
}

/** @param {HTMLElement} container */
export async function render(container) {
  if (!state.vote) return needs("vote", container);
  /** @type {[BallotAddress, CodeHolder[]]} */
  const [address, holders] = await Promise.all([get("/ballot-address"), get(`/votes/${state.vote.id}/codes`)]);
  const error = el("p", { className: "error", role: "alert", id: "slips-error", hidden: true });
  const summary = el("p", { id: "slips-summary", role: "status" });
  const done = el("p", { id: "slips-done", className: "done", role: "status", text: lastDone, hidden: !lastDone });
  lastDone = "";
  const sheet = el("div", { id: "slips-sheet", className: "sheet", "aria-label": t("slips.sheet_label"), role: "region" });
  const codes = codesOfVote();
  const present = holders.filter((d) => d.checked_in);
  const holding = holders.filter((d) => d.holds_code).length;
  const missing = present.filter((d) => !d.holds_code).length;

  function drawSheet() {
    const items = [...codes.values()].sort((a, b) => a.deputy.number - b.deputy.number);
    const picked = items.filter((item) => item.pick).length;
    summary.textContent = items.length ? t("slips.count", { count: items.length, picked }) : t("slips.none", { holding });
    sheet.replaceChildren(...items.map((item) => slip(item, address.base, drawSheet)));
    sheet.hidden = !items.length;
    print.hidden = !items.length;
    print.disabled = !picked;
    print.textContent = t("slips.print", { count: picked });
  }

  /**
   * @param {IssuedCode[]} issued
   * @param {boolean} pickOnly whether these are the only slips to print next
   */
  function keep(issued, pickOnly) {
    if (pickOnly) for (const item of codes.values()) item.pick = false;
    for (const answer of issued) {
      const deputy = holders.find((d) => d.id === answer.deputy_id) || { id: answer.deputy_id, number: answer.number, name: answer.name };
      codes.set(answer.deputy_id, { deputy, code: answer.code, pick: true });
    }
  }

  const print = el(
    "button",
    {
      type: "button",
      id: "slips-print",
      className: "secondary",
      onclick: () => {
        window.print();
        // Printed: untick them, so that the next print is only of slips issued or chosen after this one.
        for (const item of codes.values()) item.pick = false;
        drawSheet();
      },
    },
    "",
  );
  const issue = writeButton(
    "slips.issue",
    async (event) => {
      /** @type {IssuedCode[] | null} */
      const issued = await act(event.currentTarget, error, () => post(`/votes/${chosenVote().id}/codes/missing`));
      if (issued === null) return;
      keep(issued, false);
      lastDone = t("slips.issued", { count: issued.length });
      await render(container);
    },
    { id: "slips-issue" },
  );
  if (issue) {
    issue.textContent = t("slips.issue", { count: missing });
    issue.disabled = !missing;
  }
  const reissueAll = writeButton(
    "slips.reissue_all",
    async (event) => {
      const button = event.currentTarget;
      const body = el("div", {}, el("p", { className: "warning", id: "reissue-all-voids", text: t("slips.reissue_all_text", { count: holding }) }), el("p", { text: t("slips.reissue_all_then", { count: present.length }) }));
      if (!(await confirmDialog("slips.reissue_all_title", body, "slips.reissue_all_confirm"))) return;
      /** @type {IssuedCode[] | null} */
      const issued = await act(button, error, () => post(`/votes/${chosenVote().id}/codes/reissue-all`, { confirm: true, voids: holding }));
      if (issued === null) return;
      codes.clear();
      keep(issued, false);
      lastDone = t("slips.reissued_all", { count: issued.length, voided: holding });
      await render(container);
    },
    { id: "slips-reissue-all", className: "danger" },
  );
  if (reissueAll) {
    reissueAll.textContent = t("slips.reissue_all", { count: holding });
    reissueAll.hidden = !holding;
  }
  const parts = [
    el(
      "div",
      { className: "notice", role: "note" },
      el("h3", { text: t("slips.secret_heading") }),
      el("ul", {}, ["slips.secret_1", "slips.secret_2", "slips.secret_3", "slips.secret_4"].map((key) => el("li", { text: t(key) }))),
    ),
    addressNotice(address),
    el("p", { id: "slips-counts", className: "counts", text: t("slips.counts", { present: present.length, holding, missing }) }),
    canWrite() ? el("p", { className: "hint", text: t("slips.issue_hint") }) : el("p", { className: "hint", text: t("slips.readonly") }),
    canWrite() ? el("div", { className: "actions" }, issue, reissueAll) : null,
    canWrite() ? lostSlipForm(holders, error, async (/** @type {IssuedCode[]} */ issued) => {
      keep(issued, true);
      lastDone = t("slips.reissued", { number: issued[0].number, name: issued[0].name });
      await render(container);
    }) : null,
    done,
    el("div", { className: "actions" }, print),
    summary,
    error,
    sheet,
  ];
  container.replaceChildren(...parts.filter((part) => part !== null));
  drawSheet();
}

// A lost slip: the seat number, a confirmation naming the deputy, then a new code (the old one stops working).
/**
 * @param {CodeHolder[]} holders
 * @param {HTMLElement} error
 * @param {(issued: IssuedCode[]) => Promise<void>} done
 */
function lostSlipForm(holders, error, done) {
  const number = el("input", { id: "slips-lost-number", type: "text", inputmode: "numeric", autocomplete: "off", "aria-describedby": "slips-lost-hint" });
  const submit = el("button", { type: "submit", className: "secondary", id: "slips-lost", dataset: { write: "" } }, t("slips.lost_button"));
  const form = el(
    "form",
    { className: "card lost", novalidate: true, id: "slips-lost-form", "aria-labelledby": "slips-lost-heading" },
    el("h3", { id: "slips-lost-heading", text: t("slips.lost_heading") }),
    el("label", { for: number.id, text: t("slips.lost_number") }),
    el("p", { id: "slips-lost-hint", className: "hint", text: t("slips.lost_hint") }),
    el("div", { className: "inline" }, number, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = Number(number.value.trim());
    const deputy = holders.find((d) => d.number === wanted);
    if (!deputy || !deputy.checked_in) {
      showError(error, { message: t(deputy ? "slips.lost_absent" : "slips.lost_unknown", { number: number.value.trim() }) });
      number.focus();
      return;
    }
    if (deputy.holds_code) {
      const body = el("p", { className: "warning", id: "lost-voids", text: t("slips.lost_text", { number: deputy.number, name: deputy.name }) });
      if (!(await confirmDialog("slips.lost_title", body, "slips.lost_confirm"))) return;
    }
    /** @type {{deputy_id: number, code: string} | null} */
    const answer = await act(submit, error, () => post(`/votes/${chosenVote().id}/codes`, { deputy_id: deputy.id, reissue: deputy.holds_code }));
    if (answer) await done([{ ...answer, number: deputy.number, name: deputy.name }]);
  });
  return form;
}
