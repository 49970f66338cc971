# A small reader of UCI files for the rc.common shim, written for our checks:
# config_load, config_get, config_get_bool, config_foreach as in OpenWrt's
# /lib/functions.sh, for files of "config TYPE ['NAME']" sections with
# "option KEY 'VALUE'" lines (quoted with ' or ", or bare words).

_uci_sections=""
_uci_anon=0

# _uci_strip VALUE: drops one pair of surrounding quotes.
_uci_strip() {
	case "$1" in
	\'*\') _v="${1#\'}"; _v="${_v%\'}" ;;
	\"*\") _v="${1#\"}"; _v="${_v%\"}" ;;
	*) _v="$1" ;;
	esac
}

config_load() {
	_uci_sections=""
	_file="${UCI_CONFIG_DIR:-/etc/config}/$1"
	[ -r "$_file" ] || return 0
	_section=""
	while IFS= read -r _l || [ -n "$_l" ]; do
		# Trim leading blanks; skip comments and empty lines.
		_l="${_l#"${_l%%[![:space:]]*}"}"
		case "$_l" in '' | \#*) continue ;; esac
		_kw="${_l%%[[:space:]]*}"
		_rest="${_l#"$_kw"}"
		_rest="${_rest#"${_rest%%[![:space:]]*}"}"
		case "$_kw" in
		config)
			_type="${_rest%%[[:space:]]*}"
			_sname="${_rest#"$_type"}"
			_sname="${_sname#"${_sname%%[![:space:]]*}"}"
			_uci_strip "$_sname"
			if [ -z "$_v" ]; then
				_uci_anon=$((_uci_anon + 1))
				_v="cfg$_uci_anon"
			fi
			_section="$_v"
			_uci_sections="$_uci_sections $_section"
			eval "CONFIG_${_section}_TYPE=\$_type"
			;;
		option)
			_key="${_rest%%[[:space:]]*}"
			_val="${_rest#"$_key"}"
			_val="${_val#"${_val%%[![:space:]]*}"}"
			_uci_strip "$_val"
			eval "CONFIG_${_section}_${_key}=\$_v"
			;;
		esac
	done <"$_file"
}

# config_get VAR SECTION OPTION [DEFAULT]
config_get() {
	eval "_v=\${CONFIG_${2}_${3}-\$4}"
	eval "$1=\$_v"
}

# config_get_bool VAR SECTION OPTION [DEFAULT]
config_get_bool() {
	config_get "$1" "$2" "$3" "$4"
	eval "_v=\$$1"
	case "$_v" in
	1 | on | true | yes | enabled) _v=1 ;;
	0 | off | false | no | disabled) _v=0 ;;
	*) _v="$4" ;;
	esac
	eval "$1=\$_v"
}

# config_foreach FUNCTION [TYPE [ARGS...]]
config_foreach() {
	_fn="$1"
	_want="$2"
	shift
	[ $# -gt 0 ] && shift
	for _s in $_uci_sections; do
		_t=""
		eval "_t=\$CONFIG_${_s}_TYPE"
		[ -z "$_want" ] || [ "$_t" = "$_want" ] || continue
		"$_fn" "$_s" "$@"
	done
}
