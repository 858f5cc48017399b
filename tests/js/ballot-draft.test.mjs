// @ts-check
// What the ballot page keeps of an unsent ballot (static/js/ballot-draft.js): the tab's storage, for two hours
// at most, never after its receipt; one idempotency key for every attempt to cast it.

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { clearDraft, newKey, readDraft, saveDraft } from "../../static/js/ballot-draft.js";
import { installBrowser } from "./support.mjs";

beforeEach(() => installBrowser());

/** @typedef {Parameters<typeof saveDraft>[0]} Kept */
/**
 * @param {Partial<Kept>} [overrides]
 * @returns {Kept}
 */
const ballotState = (overrides = {}) => ({
  code: "K7M2P-Q9X4R",
  idempotencyKey: "key-1",
  ballot: { vote_id: 4, round_number: 2 },
  marks: new Map([[3, "approve"], [5, "oppose"]]),
  sent: false,
  receipt: null,
  ...overrides,
});

test("a draft comes back as it was kept", () => {
  saveDraft(ballotState({ sent: true }));
  const draft = readDraft();
  assert.equal(draft.code, "K7M2P-Q9X4R");
  assert.equal(draft.key, "key-1");
  assert.equal(draft.vote, 4);
  assert.equal(draft.round, 2);
  assert.deepEqual(draft.marks, { 3: "approve", 5: "oppose" });
  assert.equal(draft.sent, true);
});

test("nothing is kept before a ballot is open, nor once its receipt came", () => {
  saveDraft(ballotState({ ballot: null }));
  assert.equal(readDraft(), null);
  saveDraft(ballotState({ receipt: { receipt: "AB12CD34" } }));
  assert.equal(readDraft(), null);
});

test("a draft left for two hours, or cleared, does not come back", () => {
  saveDraft(ballotState());
  const kept = JSON.parse(/** @type {string} */ (window.sessionStorage.getItem("ballot.draft")));
  window.sessionStorage.setItem("ballot.draft", JSON.stringify({ ...kept, at: Date.now() - 2 * 60 * 60 * 1000 - 1 }));
  assert.equal(readDraft(), null);
  window.sessionStorage.setItem("ballot.draft", JSON.stringify({ ...kept, at: Date.now() - 60 * 1000 }));
  assert.equal(readDraft().code, "K7M2P-Q9X4R");
  clearDraft();
  assert.equal(readDraft(), null);
});

test("what is not a draft is ignored", () => {
  for (const stored of ["{not json", "null", "[]", JSON.stringify({ code: 12, key: "k", at: Date.now() }), JSON.stringify({ code: "A", at: Date.now() })]) {
    window.sessionStorage.setItem("ballot.draft", stored);
    assert.equal(readDraft(), null, stored);
  }
});

test("a browser that keeps nothing still votes", () => {
  const refusing = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); }, removeItem: () => { throw new Error("denied"); } };
  window.sessionStorage = /** @type {Storage} */ (/** @type {unknown} */ (refusing)); // only what the module calls
  saveDraft(ballotState());
  clearDraft();
  assert.equal(readDraft(), null);
});

test("each ballot gets a new key", () => {
  const keys = new Set(Array.from({ length: 50 }, newKey));
  assert.equal(keys.size, 50);
  for (const key of keys) assert.match(key, /^[0-9a-f-]{32,36}$/);
  // Without randomUUID, as an older browser.
  /** @type {Pick<Crypto, "getRandomValues">} */
  const older = { getRandomValues: (bytes) => globalThis.crypto.getRandomValues(bytes) };
  window.crypto = /** @type {Crypto} */ (older);
  assert.match(newKey(), /^[0-9a-f]{32}$/);
});
