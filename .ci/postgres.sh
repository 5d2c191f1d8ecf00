# Start a throw-away PostgreSQL server on 127.0.0.1 for the store's PostgreSQL tests.
#
# Source it (". .ci/postgres.sh") so that MIZAN_TEST_POSTGRES_URL stays set for the tests;
# it is safe under "set -euo pipefail" and never fails the calling script.
# It installs Debian's postgresql package when the server binaries are missing, creates a
# cluster in a temporary folder (trust authentication, listening on 127.0.0.1 only) and
# exports the URL. When anything fails it says why and leaves the variable unset: the
# PostgreSQL tests then skip with that reason, and the rest of the run goes on.
# Stop the server with: mizan_postgres_stop

MIZAN_POSTGRES_PORT="${MIZAN_POSTGRES_PORT:-55432}"

mizan_postgres_log() {
    echo "postgres.sh: $*" >&2
}

# Say why, remove the half-made cluster, and let the caller go on.
mizan_postgres_abandon() {
    mizan_postgres_log "$1"
    if [ -n "${2:-}" ] && [ -d "$2" ]; then
        rm -rf "$2"
    fi
    return 0
}

mizan_postgres_bin() {
    { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1
}

mizan_postgres_start() {
    if [ -n "${MIZAN_TEST_POSTGRES_URL:-}" ]; then
        mizan_postgres_log "using MIZAN_TEST_POSTGRES_URL from the environment"
        return 0
    fi
    local bin
    bin="$(mizan_postgres_bin)"
    if [ -z "$bin" ]; then
        if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
            mizan_postgres_log "no PostgreSQL server and no way to install one (needs root and apt-get)"
            return 0
        fi
        mizan_postgres_log "installing Debian's postgresql package"
        if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 \
                && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1; }; }; then
            mizan_postgres_log "apt-get install postgresql failed; PostgreSQL tests will skip"
            return 0
        fi
        bin="$(mizan_postgres_bin)"
        if [ -z "$bin" ]; then
            mizan_postgres_log "postgresql installed but no server binaries found"
            return 0
        fi
    fi
    # initdb refuses to run as root: run the server as the package's postgres user.
    local runner=()
    if [ "$(id -u)" = "0" ]; then
        if ! id postgres >/dev/null 2>&1; then
            mizan_postgres_log "running as root but there is no postgres user"
            return 0
        fi
        runner=(runuser -u postgres --)
    fi
    MIZAN_POSTGRES_DIR="$(mktemp -d /tmp/mizan-postgres.XXXXXX)"
    chmod 755 "$MIZAN_POSTGRES_DIR"
    if [ "$(id -u)" = "0" ]; then
        chown postgres "$MIZAN_POSTGRES_DIR"
    fi
    if ! "${runner[@]}" "$bin/initdb" -D "$MIZAN_POSTGRES_DIR/data" -U postgres \
        --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$MIZAN_POSTGRES_DIR/initdb.log" 2>&1; then
        mizan_postgres_abandon "initdb failed: $(tail -n 3 "$MIZAN_POSTGRES_DIR/initdb.log")" \
            "$MIZAN_POSTGRES_DIR"
        return 0
    fi
    if ! "${runner[@]}" "$bin/pg_ctl" -D "$MIZAN_POSTGRES_DIR/data" -w -t 60 \
        -l "$MIZAN_POSTGRES_DIR/server.log" \
        -o "-h 127.0.0.1 -p $MIZAN_POSTGRES_PORT -k $MIZAN_POSTGRES_DIR -c fsync=off" \
        start >/dev/null 2>&1; then
        mizan_postgres_abandon "the server did not start: $(tail -n 3 "$MIZAN_POSTGRES_DIR/server.log")" \
            "$MIZAN_POSTGRES_DIR"
        return 0
    fi
    if ! "$bin/createdb" -h 127.0.0.1 -p "$MIZAN_POSTGRES_PORT" -U postgres mizan_test \
        >/dev/null 2>&1; then
        "${runner[@]}" "$bin/pg_ctl" -D "$MIZAN_POSTGRES_DIR/data" -m fast stop >/dev/null 2>&1 || true
        mizan_postgres_abandon "createdb mizan_test failed" "$MIZAN_POSTGRES_DIR"
        return 0
    fi
    export MIZAN_POSTGRES_DIR MIZAN_POSTGRES_BIN="$bin"
    export MIZAN_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:${MIZAN_POSTGRES_PORT}/mizan_test"
    mizan_postgres_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$MIZAN_POSTGRES_PORT"
}

mizan_postgres_stop() {
    if [ -n "${MIZAN_POSTGRES_DIR:-}" ] && [ -d "$MIZAN_POSTGRES_DIR/data" ]; then
        local runner=()
        if [ "$(id -u)" = "0" ]; then
            runner=(runuser -u postgres --)
        fi
        "${runner[@]}" "$MIZAN_POSTGRES_BIN/pg_ctl" -D "$MIZAN_POSTGRES_DIR/data" -m fast stop \
            >/dev/null 2>&1 || true
        rm -rf "$MIZAN_POSTGRES_DIR"
        unset MIZAN_POSTGRES_DIR MIZAN_TEST_POSTGRES_URL
    fi
}

mizan_postgres_start || mizan_postgres_log "could not start PostgreSQL; its tests will skip"
