# Shared by the targets/ scripts (sourced, POSIX sh). Sets up the cross environment.
#
# Cross builds use Debian's rustc-web/cargo-web (/usr/bin), never rustup's toolchain:
# `-Zbuild-std` needs the std source of exactly the compiler's version (rust-web-src).
# RUSTC_BOOTSTRAP=1 lets that stable compiler accept the -Z flags; the crate itself
# stays stable Rust.

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGETS_DIR="$ROOT/targets"
ZIG_VENV="${ZIG_VENV:-${HOME:-/root}/.local/zigbuild}"
# Own target dir: Debian's rustc (1.96) and rustup's (host `cargo`) would otherwise keep
# invalidating each other's host artifacts (build scripts, proc macros) in target/.
XTARGET="${XTARGET:-$ROOT/target/xbuild}"
CROSS_OUT="${CROSS_OUT:-$ROOT/target/cross}"
ROUTER_TRIPLES="mipsel-unknown-linux-musl mips-unknown-linux-musl armv7-unknown-linux-musleabihf aarch64-unknown-linux-musl"
HOST_TRIPLE="x86_64-unknown-linux-gnu"
ALL_TRIPLES="$ROUTER_TRIPLES $HOST_TRIPLE"
PROGRAMS="smcrouted smcroutectl"

say() { printf '%s: %s\n' "${0##*/}" "$*"; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

cross_env() {
	[ -x /usr/bin/cargo ] && [ -x "$ZIG_VENV/bin/cargo-zigbuild" ] ||
		die "cross toolchain missing: run targets/setup"
	PATH="$ZIG_VENV/bin:/usr/bin:/bin:/usr/sbin:/sbin"
	export PATH
	export RUSTC_BOOTSTRAP=1
	export ZIG_VENV
	export CARGO_TARGET_DIR="$XTARGET"
	# RUSTFLAGS would REPLACE the per-target rustflags in targets/<triple>.toml (and drop
	# link-self-contained=no, relocation-model=static, the time64 cfg): never inherit it.
	if [ -n "${RUSTFLAGS:-}" ]; then
		say "ignoring RUSTFLAGS='$RUSTFLAGS' (the per-target rustflags are in targets/*.toml)"
	fi
	unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
	unset CARGO_BUILD_TARGET
	# rustup's proxies must not be picked up through these either.
	unset RUSTC RUSTDOC RUSTUP_TOOLCHAIN
}

# Expands `all` and checks names. Prints the triples, one a line.
triples() {
	[ $# -gt 0 ] || die "no triple given (one or more of: $ALL_TRIPLES, or all)"
	for t in "$@"; do
		case "$t" in
		all) printf '%s\n' $ALL_TRIPLES ;;
		routers) printf '%s\n' $ROUTER_TRIPLES ;;
		*) [ -f "$TARGETS_DIR/$t.toml" ] || die "unknown triple '$t' (no targets/$t.toml)"
		   printf '%s\n' "$t" ;;
		esac
	done
}

# EXTRA_RUSTFLAGS (space-separated, no quoting) are appended to the triple's rustflags
# (config arrays concatenate), e.g. EXTRA_RUSTFLAGS="--cfg smcroute_wip".
extra_rustflags() {
	[ -n "${EXTRA_RUSTFLAGS:-}" ] || return 0
	printf 'target.%s.rustflags=[' "$1"
	_sep=""
	for _f in $EXTRA_RUSTFLAGS; do printf '%s"%s"' "$_sep" "$_f"; _sep=,; done
	printf ']\n'
}

# True if TRIPLE is built as MIPS16e (targets/mips16-rustc): the MIPS triples, unless
# MIPS16=0 asks for plain MIPS32 programs (for cores without the MIPS16e extension).
mips16_for() {
	case "$1" in
	mips-unknown-linux-musl | mipsel-unknown-linux-musl) [ "${MIPS16:-1}" != 0 ] ;;
	*) return 1 ;;
	esac
}

# The cargo target directory of TRIPLE. MIPS16e builds have their own: cargo does not
# notice a changed RUSTC_WRAPPER, and both kinds can then stay built.
xtarget_for() {
	if mips16_for "$1"; then echo "$XTARGET/mips16"; else echo "$XTARGET"; fi
}

# cargo (or cargo zigbuild) for a triple, with its targets/<triple>.toml.
# Usage: xcargo TRIPLE SUBCOMMAND ARGS...
xcargo() {
	_t=$1; shift
	_sub=$1; shift
	_extra=$(extra_rustflags "$_t")
	if [ -n "$_extra" ]; then set -- --config "$_extra" "$@"; fi
	if mips16_for "$_t"; then
		[ "$_sub" = build ] && _sub=zigbuild
		RUSTC_WRAPPER="$TARGETS_DIR/mips16-rustc" CARGO_TARGET_DIR="$(xtarget_for "$_t")" \
			cargo-zigbuild "$_sub" --config "$TARGETS_DIR/$_t.toml" --target "$_t" "$@"
	elif [ "$_t" = "$HOST_TRIPLE" ]; then
		# Native: the system cc links (glibc), with zig's ld.lld (targets/lld/ld.lld).
		cargo "$_sub" --config "$TARGETS_DIR/$_t.toml" --target "$_t" \
			--config "target.$_t.rustflags=['-Clink-arg=-B$TARGETS_DIR/lld','-Clink-arg=-fuse-ld=lld']" \
			"$@"
	else
		[ "$_sub" = build ] && _sub=zigbuild
		cargo-zigbuild "$_sub" --config "$TARGETS_DIR/$_t.toml" --target "$_t" "$@"
	fi
}

# The binutils prefix that knows the triple's ELF machine (the host's binutils know only x86).
binutils_for() {
	case "$1" in
	mips*) echo mipsel-linux-gnu- ;; # handles big-endian MIPS too
	armv7*) echo arm-linux-gnueabihf- ;;
	aarch64*) echo aarch64-linux-gnu- ;;
	*) echo "" ;;
	esac
}
strip_for() { echo "$(binutils_for "$1")strip"; }
nm_for() { echo "$(binutils_for "$1")nm"; }

elapsed() { # seconds since $1 (from `date +%s`)
	echo $(( $(date +%s) - $1 ))
}
