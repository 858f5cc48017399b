// @ts-check
// What the ballot page keeps of a deputy between reloads, and lets go of: the unsent ballot (its code,
// its idempotency key, its marks, whether it was confirmed) in the tab's sessionStorage for at most two
// hours, coming back only for its own code (in the address, or typed again) and cleared once a receipt
// arrives; and the code in the address bar, dropped once it has served (docs/architecture.md, "The front end").

const DRAFT = "ballot.draft";
const DRAFT_MAX_AGE_MS = 2 * 60 * 60 * 1000;

// One key for every attempt to cast one ballot.
export function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function readDraft() {
  try {
    const draft = JSON.parse(window.sessionStorage.getItem(DRAFT) || "null");
    if (!draft || typeof draft.code !== "string" || typeof draft.key !== "string") return null;
    // A ballot left unsent for hours on a shared terminal is not brought back.
    return Date.now() - Number(draft.at || 0) < DRAFT_MAX_AGE_MS ? draft : null;
  } catch {
    return null;
  }
}

// What it reads of the ballot page's state: the open ballot names the vote and round, a receipt ends the draft.
/**
 * @param {Pick<import("./ballot.js").BallotPage, "code" | "idempotencyKey" | "marks" | "sent"> & {
 *   ballot: Pick<import("./types.js").BallotPaper, "vote_id" | "round_number"> | null, receipt: unknown}} state
 */
export function saveDraft(state) {
  if (!state.ballot || state.receipt) return;
  const draft = {
    code: state.code,
    key: state.idempotencyKey,
    vote: state.ballot.vote_id,
    round: state.ballot.round_number,
    marks: Object.fromEntries(state.marks),
    sent: state.sent,
    at: Date.now(),
  };
  try {
    window.sessionStorage.setItem(DRAFT, JSON.stringify(draft));
  } catch {
    // No storage (private mode): the ballot still works, it is only not kept across a reload.
  }
}

export function clearDraft() {
  try {
    window.sessionStorage.removeItem(DRAFT);
  } catch {
    // Nothing kept.
  }
}

// The code leaves the address bar (replaceState: Back does not bring it either) once it has served.
export function forgetCodeInAddress() {
  const address = new URL(window.location.href);
  address.searchParams.delete("code");
  window.history.replaceState(null, "", `${address.pathname}${address.search}${address.hash}`);
}
