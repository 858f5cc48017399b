// @ts-check
// The public results page, /results?vote=ID: once the vote is published, its result as the stored count
// gives it (GET /api/v1/votes/{id}/result): the selected projects in order, every round's attendance,
// approvals and rates, a bar chart drawn here as SVG elements (no library), the round history, the
// published hashes and the downloads. Before publication: "not yet published" and nothing else.
// The rates and the round each seat was won in come with the answer (voting.services.results): shown, never
// recomputed here.
// All text comes from the catalogs (i18n.js).

import { inBody } from "./base.js";
import { apply, language, languageSwitch, load, t, titleOf } from "./i18n.js";
import { $, element, fetchJson } from "./page.js";
import { forPeople, loadZone } from "./clock.js";

/** @import {ResultRound, TallyResult, VoteResult} from "./types.js" */
/** @typedef {ResultRound & {result: TallyResult, rates: Record<string, string>}} CountedRound */

const SVG = "http://www.w3.org/2000/svg";

/** @type {{voteId: string | null, data: VoteResult | null, problem: string | null}} data: the API's published result */
const state = { voteId: null, data: null, problem: null };
// The result shown, where only render calls, once there is one.
const published = () => /** @type {VoteResult} */ (state.data);

/**
 * @param {string} tag
 * @param {Record<string, string | number>} [attributes]
 * @param {string | number} [text]
 */
function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/** @param {string | null} key catalog key of what went wrong; null when nothing did */
function showProblem(key) {
  state.problem = key;
  $("problem").hidden = !key;
  $("problem").textContent = key ? t(key) : "";
}

function candidates() {
  return new Map((published().vote.candidates || []).map((c) => [c.number, c]));
}

// --- the selected projects ----------------------------------------------------------------------

function renderSelected() {
  const data = published();
  const titles = candidates();
  // The round each seat was won in, with its approvals and rate there: from the API, which the rules decide.
  const won = new Map(data.seats_won.map((seat) => [seat.number, seat]));
  const list = $("selected");
  list.replaceChildren();
  $("selected-count").textContent = data.selected.length
    ? t("results.selected_count", { count: data.selected.length, seats: data.vote.rules.seats })
    : t("results.none_selected");
  for (const number of data.selected) {
    const item = element("li", null, "project");
    item.dataset.number = String(number);
    const seat = won.get(number);
    item.append(
      element("span", number, "number"),
      element("span", titleOf(titles.get(number)), "title"),
      element(
        "span",
        seat
          ? t("results.selected_line", {
              approvals: seat.approvals,
              rate: seat.rate,
              round: seat.round_number,
            })
          : "",
        "approvals",
      ),
    );
    if (seat) {
      item.dataset.approvals = String(seat.approvals);
      item.dataset.round = String(seat.round_number);
    }
    list.append(item);
  }
  $("vacant").hidden = !data.vacant;
  $("vacant").textContent = data.vacant ? t("results.vacant", { vacant: data.vacant }) : "";
}

// --- a round --------------------------------------------------------------------------------------

/** @param {CountedRound} round */
function attendance(round) {
  const ballots = round.result.ballots;
  /** @type {[string, number | null][]} */
  const figures = [
    ["deputy_count", round.deputy_count],
    ["present", round.deputies_present],
    ["issued", round.ballots_issued],
    ["returned", ballots.cast],
    ["valid", ballots.valid],
    ["invalid", ballots.invalid],
  ];
  const list = element("dl", null, "attendance");
  for (const [name, value] of figures) {
    const item = element("div", null, "figure");
    item.dataset.field = name;
    const number = element("dd", value);
    number.dataset.value = String(value);
    item.append(element("dt", t(`results.${name}`)), number);
    list.append(item);
  }
  return list;
}

/** @param {CountedRound} round */
function verdict(round) {
  const result = round.result;
  const lines = [];
  const returned = result.ballots.cast;
  lines.push(
    t(result.void ? "results.void" : "results.valid_round", { issued: round.ballots_issued, returned }),
  );
  lines.push(t("results.threshold", { threshold: result.threshold }));
  if (result.runoff) {
    lines.push(
      t(`results.runoff.${result.runoff.reason}`, {
        projects: result.runoff.projects.join(language() === "en" ? ", " : "、"),
        seats: result.runoff.seats,
      }),
    );
  }
  return lines;
}

/**
 * @param {CountedRound} round
 * @param {boolean} aoa
 */
function projectTable(round, aoa) {
  const titles = candidates();
  const table = element("table", null, "projects");
  const caption = element("caption", t("results.table_caption", { round: round.number }));
  caption.id = `table-${round.number}-caption`;
  table.append(caption);
  const head = element("thead");
  const row = element("tr");
  const columns = ["number", "project", "approvals", ...(aoa ? ["opposes", "abstains", "no_choice"] : []), "rate", "status"];
  for (const name of columns) {
    const cell = element("th", t(`results.col.${name}`));
    cell.scope = "col";
    row.append(cell);
  }
  head.append(row);
  const body = element("tbody");
  for (const project of round.result.projects) {
    const line = element("tr");
    line.dataset.number = String(project.number);
    line.dataset.status = project.status;
    /** @type {Record<string, string | number | undefined>} */
    const values = {
      number: project.number,
      project: titleOf(titles.get(project.number)),
      approvals: project.approvals,
      opposes: project.opposes,
      abstains: project.abstains,
      no_choice: project.no_choice,
      rate: round.rates[String(project.number)],
      status: t(`results.status.${project.status}`),
    };
    for (const name of columns) {
      const cell = element(name === "number" ? "th" : "td", values[name]);
      if (name === "number") cell.scope = "row";
      cell.dataset.field = name;
      if (["approvals", "opposes", "abstains", "no_choice", "rate", "number"].includes(name)) cell.className = "num";
      line.append(cell);
    }
    body.append(line);
  }
  table.append(head, body);
  // On a narrow phone the table may scroll sideways inside its frame (never the page): a keyboard reaches it.
  const wrap = element("div", null, "table-wrap");
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-labelledby", caption.id);
  wrap.append(table);
  return wrap;
}

/** @param {CountedRound} round */
function chart(round) {
  // Horizontal bars, one per project, each labelled with its number of approvals in text (readable without
  // colour); a dashed line marks the threshold. Drawn with SVG attributes only (the CSP refuses style ones).
  const projects = round.result.projects;
  const basis = Math.max(round.deputies_present || 0, ...projects.map((p) => p.approvals), 1);
  const rowHeight = 30;
  const top = 8;
  const left = 44;
  const width = 420;
  const barMax = width - left - 48;
  const height = top + projects.length * rowHeight + 8;
  const id = `chart-${round.number}-title`;
  const picture = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    role: "img",
    "aria-labelledby": id,
    class: "chart",
    preserveAspectRatio: "xMinYMin meet",
  });
  picture.dataset.round = String(round.number);
  picture.append(svg("title", { id }, t("results.chart_label", { round: round.number })));
  projects.forEach((project, index) => {
    const y = top + index * rowHeight;
    const selected = project.status === "selected";
    const group = svg("g", { class: `chart-bar${selected ? " chart-bar-selected" : ""}` });
    group.dataset.number = String(project.number);
    group.append(
      svg("text", { x: left - 8, y: y + 20, "text-anchor": "end", class: "bar-number" }, project.number),
      svg("rect", {
        x: left,
        y: y + 4,
        width: Math.max(1, Math.round((project.approvals / basis) * barMax)),
        height: rowHeight - 10,
        class: selected ? "fill-selected" : "fill",
      }),
      svg(
        "text",
        {
          x: left + Math.max(1, Math.round((project.approvals / basis) * barMax)) + 6,
          y: y + 20,
          class: "bar-value",
        },
        project.approvals,
      ),
    );
    picture.append(group);
  });
  const threshold = round.result.threshold;
  if (threshold <= basis) {
    const x = left + Math.round((threshold / basis) * barMax);
    picture.append(svg("line", { x1: x, x2: x, y1: 2, y2: height - 2, class: "threshold" }));
  }
  return picture;
}

function renderRounds() {
  const data = published();
  const aoa = data.vote.rules.ballot_style === "approve_oppose_abstain";
  const holder = $("rounds");
  holder.replaceChildren();
  for (const shown of data.rounds) {
    if (!shown.result) continue;
    const round = /** @type {CountedRound} */ (shown);
    const section = element("section", null, "round");
    section.dataset.round = String(round.number);
    section.setAttribute("aria-labelledby", `round-${round.number}`);
    const heading = element(
      "h3",
      t("results.round_heading", { round: round.number, kind: t(`round.kind.${round.kind}`), seats: round.seats }),
    );
    heading.id = `round-${round.number}`;
    section.append(heading, attendance(round));
    for (const line of verdict(round)) section.append(element("p", line, "verdict"));
    const chosen = round.result.selected;
    section.append(
      element(
        "p",
        chosen.length
          ? t("results.round_selected", { projects: chosen.join(language() === "en" ? ", " : "、") })
          : t("results.round_none"),
        "round-selected",
      ),
    );
    const body = element("div", null, "round-body");
    body.append(projectTable(round, aoa), chart(round));
    section.append(body);
    holder.append(section);
  }
}

// --- hashes and downloads ---------------------------------------------------------------------------

function renderHashes() {
  const vote = published().vote;
  const list = $("hashes");
  list.replaceChildren();
  /** @type {[string, string | null][]} */
  const digests = [
    ["result_digest", vote.result_digest],
    ["ballots_digest", vote.ballots_digest],
    ["audit_head", vote.audit_head_at_publication],
  ];
  for (const [name, value] of digests) {
    const item = element("div", null, "hash");
    item.dataset.field = name;
    item.append(element("dt", t(`results.${name}`)), element("dd", value || "—", "digest"));
    list.append(item);
  }
}

function renderDownloads() {
  const id = published().vote.id;
  const list = $("downloads");
  list.replaceChildren();
  const links = [
    ["pdf", `/api/v1/votes/${id}/tally-sheet.pdf`],
    ["xlsx", `/api/v1/votes/${id}/tally-sheet.xlsx`],
    ["csv", `/api/v1/votes/${id}/tally-sheet.csv`],
    ["announcement_zh", `/api/v1/votes/${id}/announcement.txt?lang=zh`],
    ["announcement_en", `/api/v1/votes/${id}/announcement.txt?lang=en`],
  ];
  for (const round of published().rounds) {
    if (round.result) links.push([`ballots:${round.number}`, `/api/v1/rounds/${round.id}/ballots.csv`]);
  }
  for (const [name, href] of links) {
    const item = element("li");
    const [key, round] = name.split(":");
    const link = element("a", t(`results.download.${key}`, { round }));
    link.href = inBody(href);
    link.dataset.download = name;
    item.append(link);
    list.append(item);
  }
}

// --- the page ---------------------------------------------------------------------------------------

function render() {
  if (state.problem) showProblem(state.problem);
  const data = state.data;
  if (!data) return;
  const vote = data.vote;
  document.title = `${titleOf(vote)} — ${t("results.title")}`;
  $("vote-title").textContent = titleOf(vote);
  $("training").hidden = !vote.training;
  document.body.classList.toggle("is-training", Boolean(vote.training));
  const meeting = data.meeting;
  $("meeting").textContent = meeting
    ? t("results.meeting", { name: titleOf(meeting, "name"), date: meeting.date })
    : "";
  $("official").textContent = t("results.published_at", {
    at: forPeople(vote.published_at),
  });
  renderSelected();
  renderRounds();
  renderHashes();
  renderDownloads();
  $("result").hidden = false;
  $("print").hidden = false;
}

async function fetchResult() {
  let answer;
  try {
    answer = await fetchJson(inBody(`/api/v1/votes/${state.voteId}/result`), {
      credentials: "omit", // the public view: what anyone sees, never a clerk's unofficial preview
    });
  } catch {
    showProblem("results.offline");
    return;
  }
  if (answer.status === 404) {
    // No published result for this vote: it does not exist, or it is not yet published.
    showProblem("results.not_published");
    return;
  }
  if (!answer.ok || !answer.data) {
    showProblem("results.offline");
    return;
  }
  const data = answer.data;
  if (!data.official) {
    showProblem("results.not_published");
    return;
  }
  state.data = data;
  render();
}

async function start() {
  await Promise.all([load(undefined, ["results"]), loadZone()]);
  apply();
  languageSwitch($("lang-switch"), render);
  $("print").addEventListener("click", () => window.print());
  /** @type {HTMLAnchorElement} */ ($("receipt-link")).href = inBody("/receipt");
  const vote = new URLSearchParams(window.location.search).get("vote");
  if (!vote || !/^[1-9][0-9]{0,9}$/.test(vote)) {
    showProblem("results.no_vote");
  } else {
    state.voteId = vote;
    await fetchResult();
  }
  $("loading").hidden = true;
  document.body.dataset.ready = "true";
  document.body.dataset.state = state.data ? "published" : "unpublished";
}

start();
