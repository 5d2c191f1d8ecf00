#!/usr/bin/env bash
# Install Debian's Chromium and its WebDriver for the review page's browser test.
#
# Idempotent: does nothing when /usr/bin/chromium is already there. Run it as root on a
# Debian or Ubuntu machine (CI does); elsewhere it says why it cannot install and exits 0,
# and the browser test then skips with that reason while the rest of the run goes on.
set -euo pipefail

log() {
    echo "browser.sh: $*" >&2
}

if [ -x /usr/bin/chromium ]; then
    log "chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown')"
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    log "no /usr/bin/chromium and no way to install it (needs root and apt-get); the browser test will skip"
    exit 0
fi
log "installing chromium and chromium-driver from the Debian archive"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium chromium-driver fonts-dejavu-core fonts-noto-core
log "installed: $(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown')"
