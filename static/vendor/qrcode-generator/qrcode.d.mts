// The package's own types (qrcode.d.ts, unchanged, a global script) as the default export of qrcode.mjs,
// so that the type check of static/js reads these declarations instead of checking the vendored code.
/// <reference path="./qrcode.d.ts" />
export default qrcode;
