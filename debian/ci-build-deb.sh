#!/usr/bin/env bash
# Build the Debian package of this tree on Debian 12, as root, and check it:
#   1. install the packaging tools and the Build-Depends of debian/control;
#   2. copy the tree (tracked + untracked-not-ignored files, as they are in
#      the work tree) to a temporary folder, so the work tree's own
#      autotools build is not touched;
#   3. make the source package (orig tarball from the copy) and build the
#      binary package with `dpkg-buildpackage -us -uc -b` (this runs
#      `make check`, unless DEB_BUILD_OPTIONS has nocheck);
#   4. lintian the source and binary packages: all levels are shown, an
#      error or a warning fails;
#   5. check the .deb holds the plugin, the man page, the Icinga 2
#      definition, README and copyright; install it with apt-get; run
#      `check_ncp_advanced_certs --version` (exit 3 and the version);
#      find the man page; then remove the package again (KEEP_INSTALLED=1
#      keeps it).
# Ends with "ci-build-deb: PASS" (exit 0) or "ci-build-deb: FAIL: ..." (exit 1).
# KEEP_BUILD=1 keeps the temporary build folder (it is always kept on failure).
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd) || exit 1
export DEBIAN_FRONTEND=noninteractive
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=$(nproc)}"
work=""

fail() {
	echo "ci-build-deb: FAIL: $*"
	[ -n "$work" ] && echo "ci-build-deb: build folder kept: $work"
	exit 1
}
step() { echo "==== ci-build-deb: $*"; }
# show_log FILE: the last lines of a log, after a failed step
show_log() { echo "---- last lines of $1:"; tail -n 80 "$1"; }

# ---- 1. tools and build dependencies -------------------------------------
step "installing packaging tools and build dependencies"
apt-get update -qq || fail "apt-get update"
apt-get install -y -qq --no-install-recommends \
	build-essential debhelper dpkg-dev lintian fakeroot man-db git \
	>/dev/null || fail "apt-get install (packaging tools)"
# Build-Depends straight from debian/control (apt reads a source folder).
apt-get build-dep -y -qq --no-install-recommends "$here" >/dev/null \
	|| fail "apt-get build-dep (Build-Depends of debian/control)"

# ---- 2. a copy of the tree --------------------------------------------------
pkg=$(cd "$here" && dpkg-parsechangelog -S Source) || fail "dpkg-parsechangelog"
version=$(cd "$here" && dpkg-parsechangelog -S Version) || fail "dpkg-parsechangelog"
upstream=${version%-*}
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
work=$(mktemp -d /tmp/ci-build-deb.XXXXXX) || fail "mktemp"
src="$work/$pkg-$upstream"
mkdir -p "$src" || fail "mkdir $src"
step "copying $here to $src"
if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Files git knows or would add, with their work-tree content; build
	# outputs (.gitignore) stay behind. Tracked files deleted in the work
	# tree are skipped (--ignore-failed-read).
	(cd "$here" && git ls-files -z --cached --others --exclude-standard --deduplicate \
		| tar --null --no-recursion --ignore-failed-read -T - -cf - 2>/dev/null) \
		| tar -xf - -C "$src" || fail "copying the tree"
else
	tar -C "$here" --exclude-vcs --exclude-vcs-ignores -cf - . \
		| tar -xf - -C "$src" || fail "copying the tree"
fi
[ -f "$src/debian/rules" ] || fail "the copy has no debian/rules"

# ---- 3. source package, then the binary build --------------------------------
step "building the source package (for lintian's source checks)"
tar -C "$work" --exclude="$pkg-$upstream/debian" --owner=0 --group=0 \
	-czf "$work/${pkg}_${upstream}.orig.tar.gz" "$pkg-$upstream" || fail "orig tarball"
(cd "$work" && dpkg-source -b "$pkg-$upstream") >"$work/source.log" 2>&1 \
	|| { show_log "$work/source.log"; fail "dpkg-source -b"; }

step "dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	show_log "$work/build.log"
	find "$src" -name test-suite.log -exec sh -c 'echo "---- $1"; cat "$1"' _ {} \;
	fail "dpkg-buildpackage"
}
grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$work/build.log" | sed 's/^/make check: /'
deb="$work/${pkg}_${version}_${arch}.deb"
changes="$work/${pkg}_${version}_${arch}.changes"
dsc="$work/${pkg}_${version}.dsc"
[ -f "$deb" ] || fail "no $deb"

# ---- 4. lintian -------------------------------------------------------------
step "lintian (all levels shown; error and warning fail)"
# --show-overrides would make overridden warnings fail --fail-on (lintian
# 2.116), so the gate runs without it and the overrides are listed after.
lintian --display-level '>=pedantic' --display-experimental \
	--fail-on error,warning "$dsc" "$changes" 2>&1 | tee "$work/lintian.log"
lintian_rc=${PIPESTATUS[0]}
grep -q '^[A-Z]: ' "$work/lintian.log" || echo "(lintian: no tags at any level)"
lintian --show-overrides --fail-on none "$dsc" "$changes" 2>/dev/null \
	| sed -n 's/^O: /overridden: /p'
[ "$lintian_rc" -eq 0 ] || fail "lintian reported errors or warnings (exit $lintian_rc)"

# ---- 5. contents, install, smoke test -------------------------------------------
step "contents of $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{print $NF}' | tee "$work/contents.txt"
need() {
	grep -Eq "^$1\$" "$work/contents.txt" || fail "the .deb has no file matching $1"
}
need '\./usr/lib/nagios/plugins/check_ncp_advanced_certs'
need '\./usr/share/man/man1/check_ncp_advanced_certs\.1\.gz'
need '\./usr/share/icinga2/include/plugins-contrib\.d/[^/]+\.conf'
need "\\./usr/share/doc/$pkg/README\\.md(\\.gz)?"
need "\\./usr/share/doc/$pkg/copyright"

step "apt-get install $deb"
apt-get install -y -qq --reinstall "$deb" >"$work/install.log" 2>&1 \
	|| { show_log "$work/install.log"; fail "apt-get install $deb"; }

step "check_ncp_advanced_certs --version"
plugin=/usr/lib/nagios/plugins/check_ncp_advanced_certs
out=$("$plugin" --version 2>&1); rc=$?
echo "$out"; echo "(exit $rc)"
[ "$rc" -eq 3 ] || fail "--version exited $rc, expected 3"
case "$out" in
	*"check_ncp_advanced_certs $upstream"*) ;;
	*) fail "--version did not print 'check_ncp_advanced_certs $upstream'" ;;
esac

step "man page"
if man -w check_ncp_advanced_certs; then
	:
elif grep -rqs '^path-exclude=*/usr/share/man' /etc/dpkg/dpkg.cfg.d/; then
	# A minimal image that drops man pages on install; the .deb has it (checked above).
	echo "(dpkg excludes /usr/share/man on this machine; the .deb holds the page)"
else
	fail "man -w check_ncp_advanced_certs found nothing"
fi

if [ "${KEEP_INSTALLED:-0}" = 1 ]; then
	echo "(KEEP_INSTALLED=1: $pkg stays installed)"
else
	step "apt-get remove $pkg"
	apt-get remove -y -qq "$pkg" >/dev/null || fail "apt-get remove $pkg"
fi

if [ "${KEEP_BUILD:-0}" = 1 ]; then
	echo "(KEEP_BUILD=1: build folder kept: $work)"
else
	rm -rf "$work"
fi
echo "ci-build-deb: PASS ($pkg $version $arch; lintian: no errors or warnings)"
exit 0
