// @ts-check
// Drills (演练): the shipped scenario library, each with its promised outcome; running one makes a
// training vote on the server, which the console then opens.

import { t, titleOf } from "../i18n.js";
import { post, get } from "./api.js";
import { act, el, go, state } from "./ui.js";
import { chooseVote } from "./meetings.js";

/** @import {ButtonClick, Drill, DrillRun} from "../types.js" */

/** @param {DrillRun} result */
function outcome(result) {
  if (result.passed) return t("drills.passed");
  return t("drills.failed", { problems: (result.problems || []).join("; ") });
}

/** @param {Drill} drill */
function drillCard(drill) {
  const error = el("p", { className: "error", role: "alert", hidden: true });
  const title = titleOf(drill);
  const expected = titleOf(drill, "expected");
  const run =
    state.user && state.user.role !== "scrutineer"
      ? el(
          "button",
          {
            type: "button",
            className: "primary",
            dataset: { write: "", drill: drill.name },
            "aria-label": t("drills.run_label", { title }),
            onclick: async (/** @type {ButtonClick} */ event) => {
              const button = event.currentTarget;
              button.textContent = t("drills.running");
              /** @type {DrillRun | null} */
              const result = await act(button, error, () => post(`/drills/${encodeURIComponent(drill.name)}/run`, {}));
              button.textContent = t("drills.run");
              if (!result) return;
              state.flash = outcome(result);
              await chooseVote(result.vote_id);
              await go("round");
            },
          },
          t("drills.run"),
        )
      : null;
  return el(
    "article",
    { className: "card drill", dataset: { name: drill.name } },
    el("h3", { text: title }),
    el("p", {}, el("strong", { text: t("drills.expected") }), " ", expected),
    run,
    error,
  );
}

/** @param {HTMLElement} container */
export async function render(container) {
  /** @type {Drill[]} */
  const drills = await get("/drills");
  container.replaceChildren(
    el("p", { className: "hint", text: t("drills.intro") }),
    ...(drills.length ? drills.map(drillCard) : [el("p", { className: "hint", text: t("drills.none") })]),
  );
}
