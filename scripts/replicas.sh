#!/usr/bin/env bash
# The replicas topology on one machine, without containers (docs/deploy.md): PostgreSQL, the sandbox
# as Amazon (`bot sandbox serve`), and three `bot serve` replicas on 127.0.0.1 sharing the database
# through BOT_DATABASE_URL, each with its own SQLite cache. Teams runs in dev mode (--teams-dev: no
# Microsoft token, loopback only), so no chat credentials are needed.
#
#   scripts/replicas.sh            start everything, run `bot doctor`, print the URLs; Ctrl-C stops it
#   scripts/replicas.sh --check    the same, then stop; exits non-zero if a replica or `bot doctor` failed
#
# BOT_DATABASE_URL, when set, is used instead of starting a PostgreSQL (e.g. the tests' server).
# BOT_REPLICAS (default 3) and BOT_REPLICA_PORT (default 3101: replicas on 3101, 3102, ...) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
replicas=${BOT_REPLICAS:-3}
first_port=${BOT_REPLICA_PORT:-3101}
work=$(mktemp -d /tmp/bot-replicas.XXXXXX)
pids=()
started_pg=0  # stop only a PostgreSQL this script started (CI's own one is inherited in PG_TEST_DIR)

stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$started_pg" = 1 ]; then pg_stop; fi
    rm -rf "$work"
}
trap stop_all EXIT

if [ -z "${BOT_DATABASE_URL:-}" ]; then
    . .ci/postgres.sh
    pg_start
    started_pg=1
    export BOT_DATABASE_URL=$BOT_TEST_DATABASE_URL
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() {  # wait_for <what> <command...>: up to 120 s
    local what=$1; shift
    for _ in $(seq 1 600); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "$what did not come up; its log:" >&2
    return 1
}

sandbox_port=$(free_port)
bot sandbox serve --port "$sandbox_port" --bot-toml "$work/bot.toml" >"$work/sandbox.log" 2>&1 &
pids+=($!)
wait_for "the sandbox" grep -q "Sandbox serving at" "$work/sandbox.log" || { cat "$work/sandbox.log" >&2; exit 1; }
# The sandbox prints the environment that points the bot at it.
eval "$(sed -n 's/^  export /export /p' "$work/sandbox.log")"

healthy() { python3 -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:$1/healthz', timeout=2).status != 200)"; }

for n in $(seq 1 "$replicas"); do
    port=$((first_port + n - 1))
    BOT_DB_PATH="$work/replica$n.db" bot serve --teams-dev --port "$port" >"$work/replica$n.log" 2>&1 &
    pids+=($!)
done
for n in $(seq 1 "$replicas"); do
    port=$((first_port + n - 1))
    wait_for "replica $n" healthy "$port" || { cat "$work/replica$n.log" >&2; exit 1; }
    echo "replica $n ready: http://127.0.0.1:$port (Teams: /api/messages, health: /healthz)"
done

status=0
BOT_DB_PATH="$work/replica1.db" bot doctor || status=$?
if [ "$check" = 1 ]; then
    exit "$status"
fi
echo "Sandbox (Amazon): http://127.0.0.1:$sandbox_port; database: $BOT_DATABASE_URL. Ctrl-C to stop."
wait
