// @ts-check
// Times for people (static/js/clock.js, DESIGN section 7): an API timestamp (UTC) on the sitting's clock with
// its zone named, whatever the zone of the machine running the page (or these tests).

import assert from "node:assert/strict";
import { before, test } from "node:test";

import { forPeople, loadZone, timeZone, today, zoneLabel } from "../../static/js/clock.js";
import { load } from "../../static/js/i18n.js";
import { installBrowser, server } from "./support.mjs";

before(async () => {
  installBrowser();
  await load("zh", []);
});

test("Beijing time is named in words, in the page's language", async () => {
  assert.equal(forPeople("2020-01-17T23:00:00Z", { inZone: "Asia/Shanghai" }), "2020-01-18 07:00 北京时间");
  assert.equal(forPeople("2020-01-18T02:02:05Z", { seconds: true, inZone: "Asia/Shanghai" }), "2020-01-18 10:02:05 北京时间");
  // The zone's other names in the tz database are China's time too.
  assert.equal(zoneLabel(new Date(), "PRC"), "北京时间");
  await load("en", []);
  try {
    assert.equal(forPeople("2020-01-17T23:00:00Z", { inZone: "Asia/Harbin" }), "2020-01-18 07:00 Beijing time (UTC+8)");
  } finally {
    await load("zh", []);
  }
});

test("another zone is named by its offset at that instant", () => {
  const cases = [
    ["2020-01-17T23:00:00Z", "Asia/Tokyo", "2020-01-18 08:00 UTC+9"],
    ["2020-01-17T23:00:00Z", "Asia/Kolkata", "2020-01-18 04:30 UTC+5:30"],
    ["2020-01-17T23:00:00Z", "America/New_York", "2020-01-17 18:00 UTC-5"],
    ["2020-07-17T23:00:00Z", "America/New_York", "2020-07-17 19:00 UTC-4"],
    ["2020-07-17T23:00:00Z", "Europe/London", "2020-07-18 00:00 UTC+1"],
    ["2020-01-17T23:00:00Z", "Europe/London", "2020-01-17 23:00 UTC"],
    ["2020-01-17T23:00:00Z", "UTC", "2020-01-17 23:00 UTC"],
  ];
  for (const [iso, zone, expected] of cases) assert.equal(forPeople(iso, { inZone: zone }), expected, `${iso} in ${zone}`);
});

test("midnight is 00:00, never 24:00", () => {
  assert.equal(forPeople("2020-01-17T16:00:00Z", { inZone: "Asia/Shanghai" }), "2020-01-18 00:00 北京时间");
});

test("nothing, a Date, and text that is no time", () => {
  assert.equal(forPeople(null), "");
  assert.equal(forPeople(""), "");
  assert.equal(forPeople(new Date(Date.UTC(2020, 0, 17, 23)), { inZone: "Asia/Shanghai" }), "2020-01-18 07:00 北京时间");
  assert.equal(forPeople("not a time"), "not a time");
});

test("today is the date on the zone's clock", () => {
  for (const zone of ["Asia/Shanghai", "Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
    const before = forPeople(new Date(), { inZone: zone }).slice(0, 10);
    const date = today(zone);
    const after = forPeople(new Date(), { inZone: zone }).slice(0, 10);
    assert.ok(date === before || date === after, `${date} in ${zone}`);
  }
  // Kiritimati (UTC+14) is always a date ahead of Pago Pago (UTC-11), whatever the machine's zone.
  assert.ok(today("Pacific/Kiritimati") > today("Pacific/Pago_Pago"));
});

test("the sitting's zone is Beijing's until the server names another, which is asked once", async () => {
  assert.equal(timeZone(), "Asia/Shanghai");
  server.timeZone = "Asia/Tokyo";
  await Promise.all([loadZone(), loadZone()]);
  assert.equal(timeZone(), "Asia/Tokyo");
  assert.equal(server.asked.filter((url) => url === "/api/v1/time-zone").length, 1);
  assert.equal(forPeople("2020-01-17T23:00:00Z"), "2020-01-18 08:00 UTC+9");
});
