#!/bin/sh
# Run on the target by the packages feed CI after installing a package
# ($1 = package name). The programs' -v prints SMCRoute's version string,
# not the package's, so check that both programs start instead.

case "$1" in
smcroute-rs)
	smcrouted -h >/dev/null && smcroutectl -h >/dev/null
	;;
smcroute-rs-doc)
	[ -f /usr/share/man/man8/smcrouted.8 ]
	;;
esac
