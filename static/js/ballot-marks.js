// @ts-check
// The deputy's marks as plain data, a Map from project number to "approve", "oppose" or "abstain" (an unmarked
// project is absent): the seats limit on approvals (DESIGN section 3), the lists the API takes, and the marks
// of a kept draft that still fit the ballot. Nothing here touches the page, so that the unit tests
// (tests/js/ballot-marks.test.mjs) read it alone.

/** @typedef {"approve" | "oppose" | "abstain"} Mark */
/** @typedef {Map<number, Mark>} Marks */

/** @type {readonly Mark[]} */
export const MARKS = ["approve", "oppose", "abstain"];

/**
 * The projects given this mark, in ascending order, as the API takes them.
 * @param {Marks} marks
 * @param {Mark} mark
 * @returns {number[]}
 */
export function numbersMarked(marks, mark) {
  return [...marks]
    .filter(([, m]) => m === mark)
    .map(([n]) => n)
    .sort((a, b) => a - b);
}

/**
 * Whether approving this project would be one approval more than the seats: never for a project already approved.
 * @param {Marks} marks
 * @param {number} number
 * @param {number} seats
 */
export function oneTooMany(marks, number, seats) {
  return marks.get(number) !== "approve" && numbersMarked(marks, "approve").length >= seats;
}

/**
 * The marks of a kept draft (ballot-draft.js: {number: mark}) that still fit the ballot: projects on it, marks
 * the page knows, and on an approve-only ballot approvals only.
 * @param {Record<string, unknown>} saved
 * @param {Set<number>} onBallot
 * @param {boolean} aoa
 * @returns {Marks}
 */
export function marksFromDraft(saved, onBallot, aoa) {
  /** @type {Marks} */
  const marks = new Map();
  for (const [number, mark] of Object.entries(saved)) {
    const known = MARKS.find((m) => m === mark);
    if (onBallot.has(Number(number)) && known && (aoa || known === "approve")) marks.set(Number(number), known);
  }
  return marks;
}

/**
 * The body of POST /api/v1/ballots: the same idempotency key on every attempt; opposes and abstains only on an
 * approve / oppose / abstain ballot.
 * @param {string} code
 * @param {Marks} marks
 * @param {string | null} key
 * @param {boolean} aoa
 * @returns {{code: string, approvals: number[], idempotency_key: string | null, opposes?: number[], abstains?: number[]}}
 */
export function castBody(code, marks, key, aoa) {
  /** @type {{code: string, approvals: number[], idempotency_key: string | null, opposes?: number[], abstains?: number[]}} */
  const body = { code, approvals: numbersMarked(marks, "approve"), idempotency_key: key };
  if (aoa) {
    body.opposes = numbersMarked(marks, "oppose");
    body.abstains = numbersMarked(marks, "abstain");
  }
  return body;
}
