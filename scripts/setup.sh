#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine with Python 3.11,
# into .venv, with the Debian packages the PDF tally sheet needs (WeasyPrint's
# Pango and a CJK font); with --test also the Debian packages the test suite
# runs against (PostgreSQL, poppler's pdftotext and pdftoppm, which read
# the PDFs back, LibreOffice Calc, which opens the tally sheet's XLSX and CSV as a clerk would, Debian's
# chromium, which the browser tests in tests/ui drive through the playwright pip package, never
# `playwright install`, redis-server, which tests/api/test_limits.py starts to share rate-limit counters
# between hosts, and Node.js with npm, which install TypeScript's compiler (package-lock.json, `npm ci`) for the
# front end's type check and run its unit tests, tests/js). Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
# WeasyPrint (the PDF tally sheet) lays text out with Pango and subsets the fonts with HarfBuzz;
# the sheet is Chinese, in Noto CJK, with HanaMin (fonts-hanazono) for the rare characters beyond it
# (CJK Extension B and later, in a deputy's name); fontconfig's fc-list says what the fonts cover.
apt_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-hanazono fontconfig)
if [ "$mode" = "--test" ]; then
  apt_packages+=(postgresql poppler-utils chromium redis-server libreoffice-calc-nogui)
  # A Node already on the machine (another distribution's, npm inside it) serves as it is: Debian's npm
  # package would conflict with it.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_packages+=(nodejs npm)
  fi
fi
python=${PYTHON:-python3}
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  apt_packages+=(python3-venv)
fi

missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "setup: Python 3.11 or newer is needed" >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv

extras=""
[ "$mode" = "--test" ] && extras="[dev]"
stamp=".venv/.installed${extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras}"
  touch "$stamp"
fi
# TypeScript's compiler, as pinned in package-lock.json, into node_modules/ (again only when the lock changed).
npm_stamp=node_modules/.package-lock.json
if [ "$mode" = "--test" ] && { [ ! -f "$npm_stamp" ] || [ package-lock.json -nt "$npm_stamp" ]; }; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# The server-rendered pages' gettext catalogs (voting/translations/*.po) are compiled here, not kept in git.
.venv/bin/pybabel compile -d voting/translations >/dev/null
