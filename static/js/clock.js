// @ts-check
// Times for people (DESIGN section 7): every instant a page shows is on the sitting's clock with its zone named
// (2020-01-18 07:00 北京时间; for another zone its UTC offset, UTC+9), whatever the zone of the browser showing it.
// The server names the zone (GET /api/v1/time-zone: VOTING_TIME_ZONE, Asia/Shanghai by default); the API's
// timestamps are UTC.  The pages' one home for wording an instant, as voting.localtime.for_people is Python's.

import { inBody } from "./base.js";
import { t } from "./i18n.js";

const BEIJING_TIME = new Set(["Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"]);
let zone = "Asia/Shanghai";
/** @type {Promise<void> | null} */
let loading = null;

// Ask the server once for the sitting's zone (the default stays if it cannot answer: the times are then still
// Beijing time, the default the server would have named).
export function loadZone() {
  if (!loading) {
    loading = fetch(inBody("/api/v1/time-zone"), { headers: { Accept: "application/json" }, credentials: "omit" })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => {
        if (answer && answer.time_zone) zone = answer.time_zone;
      })
      .catch(() => undefined);
  }
  return loading;
}

export function timeZone() {
  return zone;
}

// Each function below takes the zone as its last argument, the sitting's by default: the pages never pass it,
// the unit tests (tests/js/clock.test.mjs) do, one zone after another.

// The instant's wall-clock fields in the zone, each as two (the year four) digits.
/**
 * @param {Date} instant
 * @param {string} inZone
 * @returns {Record<string, string>}
 */
function wall(instant, inZone) {
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: inZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  /** @type {Record<string, string>} */
  const fields = {};
  for (const part of format.formatToParts(instant)) fields[part.type] = part.value;
  return fields;
}

// The zone's offset at that instant as people write it: UTC+8, UTC+5:30, UTC-5, UTC.
/**
 * @param {Date} instant
 * @param {string} inZone
 */
function offsetName(instant, inZone) {
  const w = wall(instant, inZone);
  const asIfUtc = Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day), Number(w.hour), Number(w.minute), Number(w.second));
  const minutes = Math.round((asIfUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
  if (minutes === 0) return "UTC";
  const hours = Math.floor(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  return `UTC${minutes > 0 ? "+" : "-"}${hours}${rest ? `:${String(rest).padStart(2, "0")}` : ""}`;
}

// 北京时间 / Beijing time (UTC+8) for China's time (UTC+8 all year); another zone by its offset at that instant.
export function zoneLabel(instant = new Date(), inZone = zone) {
  return BEIJING_TIME.has(inZone) ? t("time.beijing") : offsetName(instant, inZone);
}

// An API timestamp (ISO 8601, UTC) for a person: "2020-01-18 07:00 北京时间"; with seconds on request.
/**
 * @param {string | Date | null | undefined} iso
 * @param {{seconds?: boolean, inZone?: string}} [options]
 */
export function forPeople(iso, { seconds = false, inZone = zone } = {}) {
  if (!iso) return "";
  const instant = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(instant.getTime())) return String(iso);
  const w = wall(instant, inZone);
  const time = seconds ? `${w.hour}:${w.minute}:${w.second}` : `${w.hour}:${w.minute}`;
  return `${w.year}-${w.month}-${w.day} ${time} ${zoneLabel(instant, inZone)}`;
}

// Today's date on the sitting's clock (YYYY-MM-DD), e.g. for a new meeting's date.
export function today(inZone = zone) {
  const w = wall(new Date(), inZone);
  return `${w.year}-${w.month}-${w.day}`;
}
