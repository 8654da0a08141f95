#!/usr/bin/env bash
# Make sure Debian's chromium is at /usr/bin/chromium for the browser tests (tests/browser/).
# Playwright drives this binary; never `playwright install`: its browser download is refused here.
# Idempotent and silent when chromium is already installed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "ensure_chromium: $CHROMIUM is missing and this user can't install packages" >&2
    echo "ensure_chromium: run as root (or with passwordless sudo):" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $CHROMIUM is missing and apt-get isn't available; install Debian's chromium package" >&2
    exit 1
fi

echo "ensure_chromium: installing Debian's chromium with apt-get..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update -qq \
    || ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
    echo "ensure_chromium: apt-get failed to install chromium (see the messages above)" >&2
    exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "ensure_chromium: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
echo "ensure_chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed" >&2
