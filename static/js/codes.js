// @ts-check
// Voting codes and receipts as a deputy types or copies them. The server reads them leniently (any case, with or
// without dashes, 0 for O and 1 for I or L: voting/domain/codes.py); the pages only tidy what was typed and
// refuse a receipt that cannot be one before asking. Nothing here touches the page (tests/js/codes.test.mjs).

/**
 * A voting code as typed or carried by the slip's link: without surrounding spaces, in capitals.
 * @param {string} text
 */
export function typedCode(text) {
  return text.trim().toUpperCase();
}

/**
 * A receipt as copied: in capitals, without spaces or dashes.
 * @param {string} text
 */
export function typedReceipt(text) {
  return text.toUpperCase().replace(/[\s-]/g, "");
}

/**
 * The catalog key of what is wrong with a tidied receipt before the server is asked, or null.
 * @param {string} receipt
 * @returns {"check.empty" | "check.malformed" | null}
 */
export function receiptProblem(receipt) {
  if (!receipt) return "check.empty";
  if (!/^[A-Z0-9]{4,40}$/.test(receipt)) return "check.malformed";
  return null;
}
