#!/bin/sh
# make demo: start the bundled mock API on 127.0.0.1 with the sample
# account, run the plugin against it with the mock's demo credentials,
# show what it printed and its exit code, stop the mock.
set -u
srcdir=${srcdir:-.}
plugin=${PLUGIN:-./plugins/check_ncp_advanced_certs}
python=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/ncp-demo.XXXXXX") || exit 1
mock_pid=
cleanup() {
	[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$python" "$srcdir/tests/mock/ncp_mock.py" --port 0 --port-file "$work/port" \
	--account "$srcdir/tests/mock/accounts/demo.json" --lifetime 60 &
mock_pid=$!
i=0
while [ ! -s "$work/port" ]; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$mock_pid" 2>/dev/null; then
		echo "demo: the mock API did not start" >&2
		exit 1
	fi
	sleep 0.05
done
endpoint="http://127.0.0.1:$(cat "$work/port")"

echo "\$ check_ncp_advanced_certs --endpoint $endpoint -v"
# The mock's published demo key pair; never a real NCP key.
NCLOUD_ACCESS_KEY_ID=DEMOACCESSKEY0000001 \
NCLOUD_SECRET_ACCESS_KEY=demo-secret-key-not-a-real-one \
HOME="$work" "$plugin" --endpoint "$endpoint" -v
rc=$?
echo "(exit code $rc)"
exit 0
