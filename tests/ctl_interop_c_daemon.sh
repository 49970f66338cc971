#!/bin/bash
# Our smcroutectl against SMCRoute's C smcrouted, compared byte for byte with the C
# smcroutectl driving the same daemon.
#
# Self-contained: re-runs itself in a private network namespace (unshare -n) with two veth
# pairs; everything it creates lives in that namespace and a temporary directory, both
# gone when it exits. Needs root and the C reference binaries, taken without installing
# (tests/tools/fetch-c-ref puts them in target/smcroute-ref; tests/run runs it first):
# SMCROUTED_REF and SMCROUTECTL_REF, as for the cargo integration tests.
# Exit 0 = all equal, 1 = a difference, 77 = skipped (no root / no C reference).
#
# Usage: tests/ctl_interop_c_daemon.sh [path/to/our/smcroutectl]
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
REF_D=${SMCROUTED_REF:-$REPO/target/smcroute-ref/usr/sbin/smcrouted}
REF_CTL=${SMCROUTECTL_REF:-$REPO/target/smcroute-ref/usr/sbin/smcroutectl}
OURS=${1:-${SMCROUTECTL:-$REPO/target/debug/smcroutectl}}

if [ "$(id -u)" != 0 ] || [ ! -x "$REF_D" ] || [ ! -x "$REF_CTL" ]; then
    echo "SKIP: needs root and the C reference: $REF_D, $REF_CTL (tests/tools/fetch-c-ref)"
    exit 77
fi
if [ ! -x "$OURS" ]; then
    echo "SKIP: build first (cargo build): $OURS"
    exit 77
fi
if [ -z "${IN_NETNS:-}" ]; then
    IN_NETNS=1 exec unshare -n "$0" "$OURS"
fi

DIR=$(mktemp -d /tmp/smcroutectl-interop.XXXXXX)
SOCK=$DIR/x.sock
DPID=
cleanup() {
    [ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT

ip link set lo up
ip link add a1 type veth peer name b1
ip link add a2 type veth peer name b2
for i in a1 a2 b1 b2; do ip link set "$i" up; done

cat > "$DIR/x.conf" <<'EOF'
phyint a1 enable
phyint a2 enable
mroute from a1 group 225.3.3.3 to a2
mroute from a1 group 225.9.0.0/16 to a2
mroute from a1 source 10.0.0.5 group 225.4.4.4 to a2
mgroup from a1 group 225.1.1.1
mgroup from a1 source 10.0.0.10 group 225.1.2.3
EOF

start_daemon() {
    "$REF_D" -n -u "$SOCK" -P "$DIR/x.pid" -f "$DIR/x.conf" -l debug \
        2>>"$DIR/daemon.log" &
    DPID=$!
    for _ in $(seq 50); do [ -S "$SOCK" ] && return 0; sleep 0.1; done
    echo "FAIL: C daemon did not start"; cat "$DIR/daemon.log"; exit 1
}

FAILS=0
PASSES=0

# both [--stdout-only] ARGS...: run both clients, compare stdout, stderr (unless
# --stdout-only) and exit status.
both() {
    local only=
    [ "$1" = --stdout-only ] && { only=1; shift; }
    "$REF_CTL" -u "$SOCK" "$@" >"$DIR/c.out" 2>"$DIR/c.err" </dev/null
    echo "rc=$?" >>"$DIR/c.out"
    "$OURS" -u "$SOCK" "$@" >"$DIR/r.out" 2>"$DIR/r.err" </dev/null
    echo "rc=$?" >>"$DIR/r.out"
    if cmp -s "$DIR/c.out" "$DIR/r.out" && { [ -n "$only" ] || cmp -s "$DIR/c.err" "$DIR/r.err"; }; then
        PASSES=$((PASSES + 1))
        echo "ok   $(echo "$*" | cut -c1-70)"
    else
        FAILS=$((FAILS + 1))
        echo "FAIL $*"
        diff <(cat -A "$DIR/c.out" "$DIR/c.err") <(cat -A "$DIR/r.out" "$DIR/r.err") | head -20
    fi
}

# ours WANT_RC ARGS...: a command that changes the daemon, run by our client only.
ours() {
    local want=$1; shift
    "$OURS" -u "$SOCK" "$@" >"$DIR/r.out" 2>"$DIR/r.err" </dev/null
    local rc=$?
    if [ "$rc" = "$want" ]; then
        PASSES=$((PASSES + 1))
        echo "ok   (ours) $* -> $rc $(head -c 100 "$DIR/r.err")"
    else
        FAILS=$((FAILS + 1))
        echo "FAIL (ours) $*: rc $rc, want $want"; cat "$DIR/r.out" "$DIR/r.err"
    fi
}

start_daemon

both -p show
both -t show
both --stdout-only show
both -p -d show
both -p show groups
both -p -d show groups
both -p show interfaces
both -t show interfaces
both -p foo
both -p showx
both -p s routes

ours 0 add a1 10.0.0.1 225.7.7.7 a2
ours 0 add a1 10.0.0.2 225.7.7.8
ours 0 a a1 225.8.0.0/24 a2
both -p show
both -p -d show
ours 0 remove a1 10.0.0.1 225.7.7.7
ours 0 rem a1 225.8.0.0/24
ours 0 del a1 10.0.0.2 225.7.7.8
both -p show
both remove a1 10.9.9.9 225.9.9.9
both add a1 10.0.0.1 225.7.7.7 nope
both add nope 10.0.0.1 225.7.7.7 a2

ours 0 join a2 225.2.2.2
ours 0 join a2 10.0.0.9 225.2.2.3
both -p show groups
both -p -d show groups
both join a2 225.2.2.2
ours 0 leave a2 225.2.2.2
ours 0 l a2 10.0.0.9 225.2.2.3
both leave a2 225.2.2.2
both -p show groups

both add a1 225.1.1.1
both join a1
both flush
both f
ours 0 reload
sleep 0.5
both -p show
both -p show groups

printf 'add a1 10.0.0.1 225.7.7.7 a2\n# comment\nshow\njoin a2 225.6.6.6\njoin a2 225.6.6.6\n' >"$DIR/batch"
"$OURS" -u "$SOCK" -p -b <"$DIR/batch" >"$DIR/r.out" 2>"$DIR/r.err"
rc=$?
if [ "$rc" = 1 ] && grep -q '(10.0.0.1, 225.7.7.7)' "$DIR/r.out" \
    && grep -q 'Already joined' "$DIR/r.err"; then
    PASSES=$((PASSES + 1)); echo "ok   (ours) -b batch"
else
    FAILS=$((FAILS + 1)); echo "FAIL (ours) -b batch: rc $rc"; cat "$DIR/r.out" "$DIR/r.err"
fi
both -p show groups

# Many lines, pipelined several frames per connection: every one must arrive.
for i in $(seq 1 150); do echo "add a1 10.0.1.$i 225.50.0.$i a2"; done >"$DIR/many"
echo "show" >>"$DIR/many"
for i in $(seq 1 150); do echo "remove a1 10.0.1.$i 225.50.0.$i"; done >>"$DIR/many"
"$OURS" -u "$SOCK" -t -b <"$DIR/many" >"$DIR/r.out" 2>"$DIR/r.err"
rc=$?
n=$(grep -c '^(10.0.1.[0-9]*, 225.50.0.[0-9]*) ' "$DIR/r.out")
if [ "$rc" = 0 ] && [ "$n" = 300 ] && [ ! -s "$DIR/r.err" ]; then
    PASSES=$((PASSES + 1)); echo "ok   (ours) -b 301 lines pipelined"
else
    FAILS=$((FAILS + 1)); echo "FAIL (ours) -b 301 lines: rc $rc, $n rows"; head "$DIR/r.err"
fi
both -p show

# Too long a message, refused before connecting.
long=$(printf 'x%.0s' $(seq 1100))
both add a1 10.0.0.1 225.7.7.7 "$long"

ours 0 kill
wait "$DPID" 2>/dev/null
DPID=
both show
both -i nonexistent-ident show

# A socket file nobody listens on: ECONNREFUSED, retried 3 s, then "Daemon not running".
python3 - "$SOCK" <<'EOF' 2>/dev/null || true
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
EOF
if [ -S "$SOCK" ]; then both show; fi
rm -f "$SOCK"

# A non-root client against a root-only socket (0600 for ours, the C daemon's umask here).
start_daemon
chmod 0600 "$SOCK"
if command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$REF_CTL" -u "$SOCK" show \
        >"$DIR/c.out" 2>"$DIR/c.err"; echo "rc=$?" >>"$DIR/c.out"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$OURS" -u "$SOCK" show \
        >"$DIR/r.out" 2>"$DIR/r.err"; echo "rc=$?" >>"$DIR/r.out"
    if cmp -s "$DIR/c.out" "$DIR/r.out" && cmp -s "$DIR/c.err" "$DIR/r.err"; then
        PASSES=$((PASSES + 1)); echo "ok   non-root: $(cat "$DIR/r.err")"
    else
        FAILS=$((FAILS + 1)); echo "FAIL non-root"; cat "$DIR/c.err" "$DIR/r.err"
    fi
fi
ours 0 kill

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
