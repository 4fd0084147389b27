#!/usr/bin/env bash
# The 3-node demo: three JVM processes on loopback, each an application writing through jdbc:ledger:sqlite: to
# its own database; kill -9 of the leader while all write; the survivors keep writing; the old leader restarts
# and catches up; at the end the three ledgers are identical and no acknowledged write is missing.
#
# Builds nothing: run `mvn -B -q package -DskipTests` first. Takes about 30 s: 26 s on an idle 2-core machine,
# 39-63 s measured on a shared one at load average 10-20 (fixed sleeps of 11 s, plus elections, catch-up, JVMs).
#   DEMO_DIR=/tmp/demo   keep the databases, Raft logs, status files and node logs there (default: a temp dir)
#   DEMO_PORT_BASE=7801  members listen on 127.0.0.1:PORT_BASE, +1, +2
#   LEDGER_SECRET=...    the cluster secret (every member the same; at least 16 characters)
#   LEDGER_JAR=...       the driver jar (default driver/target/ledgerjdbc.jar)
set -euo pipefail
cd "$(dirname "$0")/../.."

JAR=${LEDGER_JAR:-driver/target/ledgerjdbc.jar}
CLASSES=examples/target/classes
if [[ ! -f $JAR || ! -f $CLASSES/io/ledgerjdbc/examples/cluster/ClusterNode.class ]]; then
    echo "build first: mvn -B -q package -DskipTests" >&2
    exit 2
fi
DIR=${DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ledgerjdbc-demo.XXXXXX")}
mkdir -p "$DIR"
rm -f "$DIR"/status-* "$DIR"/stop-writing
PORT_BASE=${DEMO_PORT_BASE:-7801}
export LEDGER_SECRET=${LEDGER_SECRET:-demo-secret-change-me}
JAVA=(java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dslf4j.internal.verbosity=ERROR -cp "$JAR:$CLASSES")
declare -A PID
T0=$(date +%s%N)

say() { printf '%6.1fs  %s\n' "$(( ($(date +%s%N) - T0) / 1000000 ))e-3" "$*"; }
start() {
    "${JAVA[@]}" io.ledgerjdbc.examples.cluster.ClusterNode "$1" --dir "$DIR" --port-base "$PORT_BASE" \
        >>"$DIR/node-$1.log" 2>&1 &
    PID[$1]=$!
}
cleanup() { for id in "${!PID[@]}"; do kill -9 "${PID[$id]}" 2>/dev/null || true; done; }
trap cleanup EXIT
field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" "$DIR/status-$1" 2>/dev/null; }   # field NODE NAME
status() { for id in "$@"; do printf '          %s: %s\n' "$id" "$(cut -d' ' -f2- "$DIR/status-$id" 2>/dev/null)"; done; }
leader() { for id in "$@"; do [[ $(field "$id" role) == Leader ]] && { echo "$id"; return; }; done; }
# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 100 ms
wait_until() {
    local limit=$(( $(date +%s) + $1 )) what=$2; shift 2
    until "$@"; do
        if (( $(date +%s) > limit )); then
            say "gave up waiting for $what"; status A B C
            for id in A B C; do echo "--- $DIR/node-$id.log"; grep -v '^\s*at ' "$DIR/node-$id.log" | tail -5; done
            exit 1
        fi
        sleep 0.1
    done
}
acked_more() { local id=$1 than=$2; (( $(field "$id" acked || echo 0) > than )); }
all_acked() { for id in "$@"; do acked_more "$id" 0 || return 1; done; }
has_leader() { [[ -n $(leader "$@") ]]; }
converged() {  # every node stopped writing and at the same ledger size
    local sizes=() id
    for id in A B C; do
        [[ $(field $id writing) == false ]] || return 1
        sizes+=("$(field $id ledger)")
    done
    [[ -n ${sizes[0]} && ${sizes[0]} == "${sizes[1]}" && ${sizes[1]} == "${sizes[2]}" ]]
}

say "data in $DIR; members A, B, C on 127.0.0.1:$PORT_BASE-$((PORT_BASE + 2))"
for id in A B C; do start $id; done
wait_until 30 "a leader and a first write on every node" eval 'has_leader A B C && all_acked A B C'
say "cluster up, leader $(leader A B C); all three nodes writing"
sleep 4
status A B C

OLD=$(leader A B C)
REST=(); for id in A B C; do [[ $id != "$OLD" ]] && REST+=("$id"); done
BEFORE=$(field "${REST[0]}" acked)
kill -9 "${PID[$OLD]}"; KILLED=$(date +%s%N)
wait "${PID[$OLD]}" 2>/dev/null || true
rm -f "$DIR/status-$OLD"
say "kill -9 of the leader $OLD (pid ${PID[$OLD]})"
wait_until 15 "a new leader" has_leader "${REST[@]}"
say "new leader $(leader "${REST[@]}") after $(( ($(date +%s%N) - KILLED) / 1000000 )) ms"
wait_until 15 "the survivors to write again" acked_more "${REST[0]}" "$BEFORE"
say "${REST[*]} keep writing: first acknowledged write $(( ($(date +%s%N) - KILLED) / 1000000 )) ms after the kill"
sleep 4
status "${REST[@]}"

start "$OLD"
say "restarted $OLD (pid ${PID[$OLD]}): it replays its Raft log and catches up"
wait_until 30 "$OLD to rejoin and write" acked_more "$OLD" 0
say "$OLD is back: $(cut -d' ' -f2- "$DIR/status-$OLD")"
sleep 3

touch "$DIR/stop-writing"
wait_until 20 "the three ledgers to converge" converged
say "writes stopped; every node at ledger size $(field A ledger)"
status A B C
for id in A B C; do kill -TERM "${PID[$id]}"; done
for id in A B C; do wait "${PID[$id]}" 2>/dev/null || true; done
PID=()
say "nodes stopped; comparing the three databases"

URLS=(); for id in A B C; do URLS+=("jdbc:sqlite:$DIR/node-$id.db"); done
java -jar "$JAR" status "${URLS[@]}" || true
java -jar "$JAR" diff "${URLS[@]}"
"${JAVA[@]}" io.ledgerjdbc.examples.cluster.ClusterDemoCheck "$DIR"
say "done; node logs in $DIR/node-*.log"
