// @ts-check
// A body's address (static/js/base.js): every fetch, link and download of a page at /b/<name>/… stays under
// it, and a page without the prefix (the default body's, a service of one body) keeps its addresses as they were.

import assert from "node:assert/strict";
import { test } from "node:test";

import { bodyPrefix, inBody } from "../../static/js/base.js";

test("a page under /b/<name>/ names its body's prefix; a page without it, none", () => {
  assert.equal(bodyPrefix("/b/xiaohe/console"), "/b/xiaohe");
  assert.equal(bodyPrefix("/b/xiaohe"), "/b/xiaohe");
  assert.equal(bodyPrefix("/b/gong-shu2/results"), "/b/gong-shu2");
  for (const path of ["/console", "/", "", "/results", "/ballot"]) assert.equal(bodyPrefix(path), "", path);
});

test("only a short name as the server reads it is a prefix (voting/web/body_address.py)", () => {
  for (const path of ["/b/", "/b//console", "/b/Xiaohe/console", "/b/-xiaohe/console", "/b/xiaohe-/console", "/bb/xiaohe/console", "/x/b/xiaohe/console", "/b/xiaohe.html", `/b/${"a".repeat(41)}/console`]) {
    assert.equal(bodyPrefix(path), "", path);
  }
  assert.equal(bodyPrefix(`/b/${"a".repeat(40)}/console`), `/b/${"a".repeat(40)}`);
});

test("an app path goes under the page's body, and stays as it was at the default body's address", () => {
  assert.equal(inBody("/api/v1/meetings", "/b/xiaohe/console"), "/b/xiaohe/api/v1/meetings");
  assert.equal(inBody("/results?vote=3", "/b/xiaohe/hall"), "/b/xiaohe/results?vote=3");
  assert.equal(inBody("/api/v1/meetings", "/console"), "/api/v1/meetings");
  assert.equal(inBody("/console", "/"), "/console");
});

test("without a page's address (Node, no location) an app path is the default body's", () => {
  assert.equal(inBody("/api/v1/time-zone"), "/api/v1/time-zone");
});
