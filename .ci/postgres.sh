# shellcheck shell=bash
# A throw-away PostgreSQL for the tests: sourced by .ci/run (and usable by hand: `. .ci/postgres.sh;
# pg_start; ...; pg_stop`). Installs Debian's postgresql when initdb is missing, runs initdb as the
# `postgres` user (it refuses root) into a temporary folder, listens on 127.0.0.1 only (and a socket
# in that folder), and exports BOT_TEST_DATABASE_URL; the tests that need PostgreSQL skip without it.

pg_bin() {
    local found
    found=$(command -v initdb 2>/dev/null || true)
    if [ -n "$found" ]; then dirname "$found"; return; fi
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$found" ] && echo "$found"
}

pg_start() {
    if [ -z "$(pg_bin)" ]; then
        echo "== installing PostgreSQL (Debian's postgresql package)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    local bin port as
    bin=$(pg_bin)
    PG_TEST_DIR=$(mktemp -d /tmp/bot-pg.XXXXXX)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$PG_TEST_DIR"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U bot --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    "${as[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TEST_DIR -c fsync=off -c max_connections=200" start >/dev/null
    export PG_TEST_DIR
    export BOT_TEST_DATABASE_URL="postgresql://bot@127.0.0.1:$port/postgres"
    echo "== PostgreSQL up: $BOT_TEST_DATABASE_URL"
}

pg_stop() {
    [ -n "${PG_TEST_DIR:-}" ] || return 0
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$(pg_bin)/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
    unset PG_TEST_DIR BOT_TEST_DATABASE_URL
}
