#!/bin/sh
# The built plugin carries the hardening configure promises: PIE, full
# RELRO, stack protector, FORTIFY_SOURCE (not under sanitizers, which
# replace it).  Reads the ELF headers with readelf (binutils).
plugin=${PLUGIN:-plugins/check_ncp_advanced_certs}
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
if ! command -v readelf >/dev/null 2>&1; then
	echo "1..0 # SKIP readelf not installed (Debian package binutils)"
	exit 0
fi
headers=$(readelf -hW "$plugin") || { echo "Bail out! cannot read $plugin"; exit 1; }
dynamic=$(readelf -dW "$plugin")
segments=$(readelf -lW "$plugin")
symbols=$(readelf --dyn-syms -W "$plugin")

echo "$headers" | grep -q 'Type: *DYN'; ok $? "position-independent executable (PIE)"
echo "$segments" | grep -q 'GNU_RELRO'; ok $? "RELRO segment"
echo "$dynamic" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW'; ok $? "full RELRO (BIND_NOW)"
echo "$symbols" | grep -q '__stack_chk_fail'; ok $? "stack protector (__stack_chk_fail)"
if [ "${SANITIZERS:-no}" = yes ]; then
	n=$((n + 1)); echo "ok $n - FORTIFY_SOURCE # SKIP sanitizer build"
else
	echo "$symbols" | grep -Eq '__[a-z]+_chk@'; ok $? "FORTIFY_SOURCE (__*_chk functions)"
fi
echo "$segments" | grep -A1 'GNU_STACK' | grep -q 'RWE'; [ $? -ne 0 ]; ok $? "no executable stack"
echo "1..$n"
exit $failed
