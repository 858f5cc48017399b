// @ts-check
// The deputy's marks (static/js/ballot-marks.js): the seats limit on approvals (DESIGN section 3), the
// lists the API takes, and what a kept draft may bring back.

import assert from "node:assert/strict";
import { test } from "node:test";

import { castBody, marksFromDraft, numbersMarked, oneTooMany } from "../../static/js/ballot-marks.js";

/** @import {Mark, Marks} from "../../static/js/ballot-marks.js" */

/**
 * @param {[number, Mark][]} entries
 * @returns {Marks}
 */
const marks = (entries) => new Map(entries);

test("the projects given a mark, in ascending order", () => {
  const given = marks([[7, "approve"], [2, "oppose"], [12, "approve"], [3, "approve"], [5, "abstain"]]);
  assert.deepEqual(numbersMarked(given, "approve"), [3, 7, 12]);
  assert.deepEqual(numbersMarked(given, "oppose"), [2]);
  assert.deepEqual(numbersMarked(new Map(), "abstain"), []);
});

test("one approval more than the seats is refused; a project already approved never is", () => {
  const two = marks([[1, "approve"], [4, "approve"], [6, "oppose"]]);
  assert.equal(oneTooMany(two, 9, 3), false);
  assert.equal(oneTooMany(two, 9, 2), true);
  assert.equal(oneTooMany(two, 4, 2), false);
  // Opposing or abstaining takes no seat: turning an oppose into an approval is the one that counts.
  assert.equal(oneTooMany(two, 6, 2), true);
  assert.equal(oneTooMany(new Map(), 1, 0), true);
});

test("a kept draft brings back only the marks that still fit the ballot", () => {
  const onBallot = new Set([1, 2, 3]);
  const saved = { 1: "approve", 2: "oppose", 3: "abstain", 9: "approve", x: "approve" };
  assert.deepEqual([...marksFromDraft(saved, onBallot, true)], [[1, "approve"], [2, "oppose"], [3, "abstain"]]);
  // An approve-only ballot has approvals only.
  assert.deepEqual([...marksFromDraft(saved, onBallot, false)], [[1, "approve"]]);
  assert.deepEqual([...marksFromDraft({ 1: "veto", 2: null }, onBallot, true)], []);
});

test("the ballot sent: approvals always, opposes and abstains on their ballot style only", () => {
  const given = marks([[3, "approve"], [1, "approve"], [2, "oppose"]]);
  assert.deepEqual(castBody("K7M2P-Q9X4R", given, "key-1", false), {
    code: "K7M2P-Q9X4R",
    approvals: [1, 3],
    idempotency_key: "key-1",
  });
  assert.deepEqual(castBody("K7M2P-Q9X4R", given, "key-1", true), {
    code: "K7M2P-Q9X4R",
    approvals: [1, 3],
    idempotency_key: "key-1",
    opposes: [2],
    abstains: [],
  });
});
