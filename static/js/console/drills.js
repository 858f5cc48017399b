// @ts-check
// Drills (演练): the shipped scenario library, each with its promised outcome; running one makes a
// training vote on the server, which the console then opens.

import { t, titleOf } from "../i18n.js";
import { post, get } from "./api.js";
import { act, el, go, state } from "./ui.js";
import { chooseVote } from "./meetings.js";

function outcome(result) {
  if (result.passed) return t("drills.passed");
  return t("drills.failed", { problems: (result.problems || []).join("; ") });
}

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
            onclick: async (event) => {
              const button = event.currentTarget;
              button.textContent = t("drills.running");
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

export async function render(container) {
  const drills = await get("/drills");
  container.replaceChildren(
    el("p", { className: "hint", text: t("drills.intro") }),
    ...(drills.length ? drills.map(drillCard) : [el("p", { className: "hint", text: t("drills.none") })]),
  );
}
