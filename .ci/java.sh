#!/usr/bin/env bash
# Install Debian's headless Java runtime for the local-mode Spark test.
#
# Idempotent: does nothing when a java runs already. Run it as root on a Debian or Ubuntu
# machine (CI does); elsewhere it says why it cannot install and exits 0, and the Spark test
# then skips with that reason while the rest of the run goes on.
set -euo pipefail

log() {
    echo "java.sh: $*" >&2
}

if command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; then
    log "java is installed: $(java -version 2>&1 | head -n 1)"
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    log "no java and no way to install it (needs root and apt-get); the Spark test will skip"
    exit 0
fi
log "installing default-jre-headless from the Debian archive"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends default-jre-headless
log "installed: $(java -version 2>&1 | head -n 1)"
