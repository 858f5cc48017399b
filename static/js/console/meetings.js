// @ts-check
// Meetings and their votes: create a meeting, create a vote from the Gongshu 2020 template
// (a training vote if ticked), choose a meeting for check-in or a vote to run.

import { inBody } from "../base.js";
import { today } from "../clock.js";
import { t, titleOf } from "../i18n.js";
import { get, post } from "./api.js";
import { act, canWrite, el, go, hooks, remember, state, trainingMark, writeButton } from "./ui.js";

/** @import {ButtonClick, Meeting, Vote} from "../types.js" */

/** @param {Meeting} meeting */
export async function chooseMeeting(meeting) {
  state.meeting = meeting;
  if (state.vote && state.vote.meeting_id !== meeting.id) state.vote = null;
  state.round = null;
  remember();
  hooks.context();
}

/** @param {number} voteId */
export async function chooseVote(voteId) {
  /** @type {Vote} */
  const vote = await get(`/votes/${voteId}`);
  state.vote = vote;
  state.meeting = await get(`/meetings/${vote.meeting_id}`);
  state.round = null;
  remember();
  hooks.context();
}

/** @param {HTMLElement} container */
function createMeetingForm(container) {
  const error = el("p", { className: "error", role: "alert", id: "meeting-error", hidden: true });
  const nameZh = el("input", { id: "meeting-name-zh", type: "text", required: true, "aria-describedby": "meeting-error" });
  const nameEn = el("input", { id: "meeting-name-en", type: "text" });
  const date = el("input", { id: "meeting-date", type: "date", required: true });
  date.value = today(); // the sitting's date: at 07:00 in Beijing, UTC's date is still yesterday
  const submit = el("button", { type: "submit", className: "primary", id: "meeting-create", dataset: { write: "" } }, t("meetings.create"));
  const form = el(
    "form",
    { className: "card", novalidate: true, "aria-labelledby": "meeting-form-heading" },
    el("h3", { id: "meeting-form-heading", text: t("meetings.new") }),
    el("label", { for: "meeting-name-zh", text: t("meetings.name_zh") }),
    nameZh,
    el("label", { for: "meeting-name-en", text: t("meetings.name_en") }),
    nameEn,
    el("label", { for: "meeting-date", text: t("meetings.date") }),
    date,
    submit,
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    /** @type {Meeting | null} */
    const created = await act(submit, error, () =>
      post("/meetings", { name_zh: nameZh.value.trim(), name_en: nameEn.value.trim(), date: date.value }),
    );
    if (created) {
      await chooseMeeting(created);
      await render(container);
      const heading = document.getElementById(`meeting-${created.id}`);
      if (heading) heading.focus();
    }
  });
  return form;
}

/** @param {Vote} vote */
function voteItem(vote) {
  const error = el("p", { className: "error", role: "alert", hidden: true });
  const open = el(
    "button",
    {
      type: "button",
      className: "primary",
      dataset: { vote: String(vote.id) },
      "aria-label": t("meetings.open_vote_label", { title: titleOf(vote) }),
      onclick: async (/** @type {ButtonClick} */ event) => {
        const done = await act(event.currentTarget, error, async () => {
          await chooseVote(vote.id);
          return true;
        });
        if (done) await go("round");
      },
    },
    t("meetings.open_vote"),
  );
  const chosen = state.vote && state.vote.id === vote.id;
  return el(
    "li",
    { className: chosen ? "vote chosen" : "vote", dataset: { voteId: String(vote.id) } },
    el("span", { className: "vote-title", text: titleOf(vote) }),
    trainingMark(vote),
    el("span", { className: "state", text: t(`vote.state.${vote.state}`) }),
    el(
      "span",
      { className: "links" },
      open,
      el("a", { href: inBody(`/hall?vote=${vote.id}`), target: "_blank", rel: "noopener", text: t("meetings.hall_link") }),
      el("a", { href: inBody(`/results?vote=${vote.id}`), target: "_blank", rel: "noopener", text: t("meetings.results_link") }),
    ),
    error,
  );
}

/**
 * @param {Meeting} meeting
 * @param {Vote[]} votes its votes
 * @param {HTMLElement} container
 */
function meetingCard(meeting, votes, container) {
  const error = el("p", { className: "error", role: "alert", hidden: true });
  const training = el("input", { type: "checkbox", id: `training-${meeting.id}` });
  const fromTemplate = writeButton("meetings.from_template", async (event) => {
    /** @type {Vote | null} */
    const created = await act(event.currentTarget, error, () =>
      post("/votes/from-template", { meeting_id: meeting.id, template: "gongshu-2020", training: training.checked }),
    );
    if (created) {
      await chooseVote(created.id);
      await render(container);
    }
  });
  const chooseButton = el(
    "button",
    {
      type: "button",
      className: "secondary",
      "aria-label": t("meetings.checkin_label", { name: titleOf(meeting, "name") }),
      onclick: async () => {
        await chooseMeeting(meeting);
        await go("checkin");
      },
    },
    t("meetings.checkin"),
  );
  const chosen = state.meeting && state.meeting.id === meeting.id;
  return el(
    "article",
    { className: chosen ? "card meeting chosen" : "card meeting", dataset: { meetingId: String(meeting.id) } },
    el("h3", { id: `meeting-${meeting.id}`, tabindex: "-1", text: titleOf(meeting, "name") }),
    el("p", { className: "meta", text: t("meetings.meta", { date: meeting.date, present: meeting.present, roster: meeting.deputy_count }) }),
    el("div", { className: "actions" }, chooseButton),
    votes.length
      ? el("ul", { className: "votes", "aria-label": t("meetings.votes_label") }, votes.map((v) => voteItem(v)))
      : el("p", { className: "hint", text: t("meetings.no_votes") }),
    canWrite()
      ? el(
          "div",
          { className: "actions template" },
          el("span", { className: "check" }, training, el("label", { for: `training-${meeting.id}`, text: t("meetings.training") })),
          fromTemplate,
        )
      : null,
    error,
  );
}

/** @param {HTMLElement} container */
export async function render(container) {
  /** @type {[Meeting[], Vote[]]} */
  const [meetings, votes] = await Promise.all([get("/meetings"), get("/votes")]);
  /** @type {Map<number, Vote[]>} */
  const byMeeting = new Map();
  for (const vote of votes) {
    const same = byMeeting.get(vote.meeting_id);
    if (same) same.push(vote);
    else byMeeting.set(vote.meeting_id, [vote]);
  }
  const list = meetings.length
    ? meetings.map((m) => meetingCard(m, byMeeting.get(m.id) || [], container))
    : [el("p", { className: "hint", text: t("meetings.none") })];
  container.replaceChildren(...[canWrite() ? createMeetingForm(container) : null, ...list].filter((part) => part !== null));
}
