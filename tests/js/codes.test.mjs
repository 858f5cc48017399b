// @ts-check
// Voting codes and receipts as typed (static/js/codes.js): tidied, never corrected, which the server does
// (voting/domain/codes.py); a receipt that cannot be one is refused before the server is asked.

import assert from "node:assert/strict";
import { test } from "node:test";

import { receiptProblem, typedCode, typedReceipt } from "../../static/js/codes.js";

test("a voting code keeps its dashes and letters, in capitals, without the spaces around it", () => {
  assert.equal(typedCode("  k7m2p-q9x4r \n"), "K7M2P-Q9X4R");
  assert.equal(typedCode("O0 IL1"), "O0 IL1");
  assert.equal(typedCode(""), "");
});

test("a receipt loses its spaces and dashes, in capitals", () => {
  assert.equal(typedReceipt(" ab12-cd34 ef56\tgh78 "), "AB12CD34EF56GH78");
  assert.equal(typedReceipt("--"), "");
});

test("an empty or impossible receipt is refused with the catalog's words for it", () => {
  assert.equal(receiptProblem(""), "check.empty");
  for (const bad of ["AB1", "AB12!", "AB12.CD34", "Ä123", "A".repeat(41)]) assert.equal(receiptProblem(bad), "check.malformed", bad);
  for (const good of ["AB12", "0123456789", "A".repeat(40)]) assert.equal(receiptProblem(good), null, good);
});

test("every refusal has its words in both languages", async () => {
  const { readFile } = await import("node:fs/promises");
  for (const language of ["zh", "en"]) {
    const catalog = JSON.parse(await readFile(new URL(`../../static/i18n/${language}/receipt.json`, import.meta.url), "utf-8"));
    for (const key of ["check.empty", "check.malformed"]) assert.ok(catalog[key], `${language}: ${key}`);
  }
});
