// Voting-code slips (表决码条): issue codes to the checked-in deputies, then an A4 sheet of slips
// for the browser's print, each with the deputy's name and seat, the code in large type and a QR code
// of <origin>/ballot?code=<CODE>.  The codes live only in this page's memory: never stored, never sent
// anywhere else; a reload forgets them (issuing again revokes the old ones).

import qrcode from "../../vendor/qrcode-generator/qrcode.mjs";
import { t } from "../i18n.js";
import { get, post } from "./api.js";
import { act, canWrite, el, needs, state, writeButton } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";

function codesOfVote() {
  if (!state.codes.has(state.vote.id)) state.codes.set(state.vote.id, new Map());
  return state.codes.get(state.vote.id);
}

export function ballotUrl(code) {
  return `${window.location.origin}/ballot?code=${encodeURIComponent(code)}`;
}

// The QR code as SVG, built with attributes only (the CSP refuses inline style).
export function qrSvg(text, label) {
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

function slip(deputy, code) {
  return el(
    "article",
    { className: "slip", dataset: { deputy: String(deputy.number) } },
    el("p", { className: "slip-vote", text: state.vote.title_zh }),
    state.vote.training ? el("p", { className: "slip-training", text: t("console.training_mark") }) : null,
    el("p", { className: "slip-who" }, el("span", { className: "slip-seat", text: t("slips.seat", { number: deputy.number }) }), " ", el("span", { className: "slip-name", text: deputy.name })),
    el("p", { className: "slip-code-label", text: t("slips.code_label") }),
    el("p", { className: "slip-code", text: code }),
    qrSvg(ballotUrl(code), t("slips.qr_label", { name: deputy.name })),
    el("p", { className: "slip-how", text: t("slips.how", { url: `${window.location.origin}/ballot` }) }),
  );
}

function drawSheet(sheet, summary) {
  const issued = [...codesOfVote().values()].sort((a, b) => a.deputy.number - b.deputy.number);
  summary.textContent = issued.length ? t("slips.count", { count: issued.length }) : t("slips.none");
  sheet.replaceChildren(...issued.map((item) => slip(item.deputy, item.code)));
  sheet.hidden = !issued.length;
  return issued.length;
}

export async function render(container) {
  if (!state.vote) return needs("vote", container);
  const error = el("p", { className: "error", role: "alert", id: "slips-error", hidden: true });
  const summary = el("p", { id: "slips-summary", role: "status" });
  const sheet = el("div", { id: "slips-sheet", className: "sheet", "aria-label": t("slips.sheet_label"), role: "region" });
  const print = el("button", { type: "button", id: "slips-print", className: "secondary", onclick: () => window.print() }, t("slips.print"));
  const issue = writeButton(
    "slips.issue",
    async (event) => {
      const button = event.currentTarget;
      await act(button, error, async () => {
        const deputies = await get(`/meetings/${state.vote.meeting_id}/deputies`);
        const codes = codesOfVote();
        for (const deputy of deputies.filter((d) => d.checked_in && !codes.has(d.id))) {
          const answer = await post(`/votes/${state.vote.id}/codes`, { deputy_id: deputy.id });
          codes.set(deputy.id, { deputy, code: answer.code });
          summary.textContent = t("slips.issuing", { count: codes.size });
        }
        return true;
      });
      print.hidden = !drawSheet(sheet, summary);
    },
    { id: "slips-issue" },
  );
  container.replaceChildren(
    ...[
      el(
        "div",
        { className: "notice", role: "note" },
        el("h3", { text: t("slips.secret_heading") }),
        el("ul", {}, ["slips.secret_1", "slips.secret_2", "slips.secret_3", "slips.secret_4"].map((key) => el("li", { text: t(key) }))),
      ),
      canWrite() ? el("p", { className: "hint", text: t("slips.issue_hint") }) : el("p", { className: "hint", text: t("slips.readonly") }),
      el("div", { className: "actions" }, issue, print),
      summary,
      error,
      sheet,
    ].filter(Boolean),
  );
  print.hidden = !drawSheet(sheet, summary);
}
