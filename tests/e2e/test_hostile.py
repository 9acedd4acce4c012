#!/usr/bin/env python3
"""Hostile answers, faults and secrets: end-to-end tests (TAP).

  PLUGIN=plugins/check_ncp_advanced_certs python3 tests/e2e/test_hostile.py [NAME-FILTER...]

Every bad answer, transport fault or output fault must end in a plugin
line (never a crash, a hang or a false OK), within the timeout, with the
right state; the secret key must never leave the process.  Same conventions
as test_api.py: a mock per case on 127.0.0.1, HOME an empty temp dir, no
NCLOUD_* variables, every run bounded in time.

Each run prints a diagnostic

  # REPORT | <input or fault> | <exit code + first line, shortened> | <elapsed s>

and the whole table is printed again at the end.

Cases that need root (a tiny tmpfs for the full-disk cache, another uid
for the dumpable check) say SKIP when they cannot run.  Runs whose point is
the process itself (peak RSS, /proc/<pid>/environ, dumpable) are never put
under valgrind, even with E2E_VALGRIND=1.
"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TIME_SLACK, Mock, check, parse_output, run_plugin  # noqa: E402

ncp_mock, gen = harness.import_mock_modules()
tap = harness.Tap()

KEY = harness.ACCESS_KEY
SECRET = harness.SECRET
DAY = 86400
TOLERANCE_S = 120
MAX_TEXT_LINE = 4096          # no line of plugin text output may be longer
MAX_TEXT_OUTPUT = 256 * 1024  # nor the whole text output bigger
EXIT_STATE = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}


# ------------------------------------------------------------------ report table

REPORT = []


def _short(text, n):
    text = text.replace("|", "/").replace("\t", " ")
    return text if len(text) <= n else text[: n - 3] + "..."


def report(what, r):
    """One REPORT diagnostic for a run (and a row of the final table)."""
    if r.timed_out:
        res = "KILLED: no exit within the run timeout"
    else:
        first = r.stdout.splitlines()[0] if r.stdout.strip() else "(no output)"
        first = first.partition(" | ")[0]
        code = r.code
        if code is not None and code < 0:
            code = "signal %d" % -code
        res = "exit %s: %s" % (code, _short(first, 110))
    row = (_short(what, 70), res, "%.2f" % r.elapsed)
    REPORT.append(row)
    print("# REPORT | %s | %s | %s" % row, flush=True)


def print_report_table():
    if not REPORT:
        return
    w0 = max(len(r[0]) for r in REPORT + [("input or fault", "", "")])
    w1 = max(len(r[1]) for r in REPORT + [("", "result", "")])
    print("# REPORT TABLE (%d runs)" % len(REPORT))
    print("# | %-*s | %-*s | %7s |" % (w0, "input or fault", w1, "exit code + first line", "elapsed"))
    print("# |%s|%s|%s|" % ("-" * (w0 + 2), "-" * (w1 + 2), "-" * 9))
    for what, res, el in REPORT:
        print("# | %-*s | %-*s | %7s |" % (w0, what, w1, res, el + " s"))
    sys.stdout.flush()


# ------------------------------------------------------------------ helpers


def creds(secret=SECRET, key=KEY):
    return ["-a", key, "--secret-key-file", harness.secret_file(secret)]


def run(url, *args, what=None, env=None, timeout=30, with_creds=True, secret=SECRET, t="10",
        retries="0"):
    """A plugin run against url, -t t and --retries retries unless given."""
    argv = ["-u", url] + (creds(secret) if with_creds else [])
    if t is not None and "-t" not in args:
        argv += ["-t", t]
    if retries is not None and "--retries" not in args:
        argv += ["--retries", retries]
    r = run_plugin(argv + [str(a) for a in args], env=env, timeout=timeout)
    if what:
        report(what, r)
    return r


def sane(r):
    """Whatever the input: a finished run, an exit code that is a state, one
    status line that agrees with it, output that is valid UTF-8 text."""
    check(not r.timed_out, "plugin did not finish within the run timeout (hang)")
    check(r.code is not None and r.code >= 0, "plugin killed by signal %s (crash)"
          % (-r.code if r.code is not None else "?"))
    check(r.code in EXIT_STATE, "exit code %s is not a plugin state (0-3)" % r.code)
    try:
        r.stdout_bytes.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        raise harness.Failure("stdout is not valid UTF-8: %s near %r"
                              % (e, r.stdout_bytes[max(0, e.start - 20):e.start + 20]))
    bad = re.findall(rb"[\x00-\x08\x0b-\x1f\x7f]", r.stdout_bytes)
    check(not bad, "stdout holds control characters %r" % sorted(set(bad))[:5])
    out = parse_output(r.stdout)
    check(out.state == EXIT_STATE[r.code], "status line %r does not agree with exit %s"
          % (out.first[:200], r.code))
    forged = [l for l in r.stdout.splitlines()[1:] if harness.STATUS_RE.match(l)]
    check(not forged, "more than one status line: %r" % forged[:2])
    return out


def text_bounded(r):
    lines = r.stdout.splitlines()
    longest = max((len(l.encode()) for l in lines), default=0)
    check(longest <= MAX_TEXT_LINE, "an output line is %d bytes long (limit %d): %r..."
          % (longest, MAX_TEXT_LINE, max(lines, key=len)[:160]))
    check(len(r.stdout_bytes) <= MAX_TEXT_OUTPUT, "text output is %d bytes (limit %d)"
          % (len(r.stdout_bytes), MAX_TEXT_OUTPUT))


def expect(r, code, *patterns):
    out = sane(r)
    check(r.code == code, "exit code %s, expected %s (%s)" % (r.code, code, out.first[:300]))
    text_bounded(r)
    for p in patterns:
        check(re.search(p, r.stdout, re.I), "output does not match /%s/: %r" % (p, out.first[:300]))
    return out


def within(r, bound):
    check(r.elapsed < bound + TIME_SLACK, "took %.2f s, bound %.1f s" % (r.elapsed, bound + TIME_SLACK))


def counts(out, **want):
    for label, n in want.items():
        check(label in out.perf, "perfdata %r missing in %r" % (label, out.perf_text[:300]))
        check(out.perf[label]["value"] == n, "perfdata %s=%s, expected %s"
              % (label, out.perf[label]["value"], n))


def api_requests(m):
    return [e for e in m.requests() if e["path"] == ncp_mock.API_PATH]


def real_cert(no, name, days, status=1, style="ncp", **kw):
    """A certificate as the API sends it (absolute dates, now)."""
    return ncp_mock.expand_cert(gen.cert(no, name, status, days, date_style=style, **kw))


def good_certs():
    """One OK (200 days) and one WARNING (20 days) certificate: what is
    still judged next to a bad entry."""
    return [real_cert(910001, "good-ok", 200), real_cert(910002, "good-warn", 20)]


def listing(certs, total="auto", **envelope):
    """A getPaidCertificates answer: all certificates in one order."""
    doc = {"returnCode": "0", "returnMessage": "Success"}
    if total == "auto":
        total = 1
    if total is not None:
        doc["totalCount"] = total
    doc["orders"] = [{"orderId": "800001", "certificates": certs}]
    doc.update(envelope)
    return doc


# The README's order: CRITICAL > WARNING > UNKNOWN > OK.  A bad entry next to
# good-ok and good-warn makes WARNING (exit 1) with unknown=1 in the counts.
MIXED = 1


def others_still_judged(out, unknown=1):
    counts(out, certificates=2 + unknown, ok=1, warning=1, critical=0, unknown=unknown)
    check(any(l.startswith("[WARNING] ") and "good-warn" in l for l in out.long),
          "no [WARNING] line for good-warn: %r" % out.long[:5])
    item = out.perf.get("good-warn")
    check(item is not None and abs(item["value"] - 20 * DAY) <= TOLERANCE_S,
          "good-warn perfdata %r" % (item,))


class Body:
    """A mock that answers every request HTTP 200 with the bytes of a file
    (status:200:FILE, no authentication check); set() changes them."""

    def __init__(self, data=b""):
        self.path = harness.tmpfile("body.bin", b"")
        self.set(data)

    def set(self, data):
        if isinstance(data, (dict, list)):
            data = json.dumps(data)
        if isinstance(data, str):
            data = data.encode()
        with open(self.path, "wb") as fh:
            fh.write(data)

    def __enter__(self):
        self.mock = Mock(scenario="status:200:" + self.path).__enter__()
        self.url = self.mock.url
        return self

    def __exit__(self, *exc):
        return self.mock.__exit__(*exc)


# ------------------------------------------------------------------ process runner

def spawn(args, env=None, stdout=None, stderr=None, timeout=20, valgrind=True, preexec_fn=None,
          clean=True):
    """Runs the plugin with the given stdout/stderr (file objects or fds;
    default: files).  Returns a harness.Result; .code is negative for a
    signal.  Under valgrind when E2E_VALGRIND=1 unless valgrind=False."""
    argv = [harness.plugin_path()] + [str(a) for a in args]
    run_argv, vg_dir = harness.valgrind_wrap(argv) if valgrind else (argv, None)
    full_env = harness.clean_env(env) if clean else env
    out_path = err_path = None
    if stdout is None:
        out_path = harness.tmpfile("spawn.out")
        stdout = open(out_path, "wb")
    if stderr is None:
        err_path = harness.tmpfile("spawn.err")
        stderr = open(err_path, "wb")
    t0 = time.monotonic()
    p = subprocess.Popen(run_argv, env=full_env, stdin=subprocess.DEVNULL, stdout=stdout,
                         stderr=stderr, preexec_fn=preexec_fn)
    for f in (stdout, stderr):  # the child has them now
        if isinstance(f, int) and f > 2:
            os.close(f)
        elif hasattr(f, "close") and f not in (sys.stdout, sys.stderr):
            f.close()
    status, timed_out = wait_status(p, timeout + TIME_SLACK)
    elapsed = time.monotonic() - t0
    code = None if timed_out else os.waitstatus_to_exitcode(status)
    out = open(out_path, "rb").read() if out_path else b""
    err = open(err_path, "rb").read() if err_path else b""
    r = harness.Result(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                       elapsed, argv, timed_out, out, err)
    if vg_dir:
        for prob in harness.valgrind_problems(vg_dir):
            harness.VALGRIND_PROBLEMS.append("valgrind: %s\n%s" % (" ".join(argv), prob))
    harness.LAST_RESULTS.append(r)
    return r


def wait_status(p, timeout):
    """(raw wait status, timed_out) of a Popen child."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status = os.waitpid(p.pid, os.WNOHANG)
        if pid:
            p.returncode = os.waitstatus_to_exitcode(status)  # reaped: tell Popen
            return status, False
        if time.monotonic() > deadline:
            p.kill()
            pid, status = os.waitpid(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            return status, True
        time.sleep(0.01)


# ------------------------------------------------------------------ not JSON


@tap.test("not JSON: HTML proxy error page (HTTP 200) -> UNKNOWN naming HTML")
def _():
    with Mock(account=gen.demo_account(), scenario="html") as m:
        r = run(m.url, what="answer: HTML proxy error page, HTTP 200")
        expect(r, 3, r"HTML")
        within(r, 2)


@tap.test("not JSON: empty, truncated, whitespace-only bodies -> UNKNOWN naming the problem")
def _():
    doc = json.dumps(listing(good_certs()))
    cases = [("answer: empty body", b"", r"empty"),
             ("answer: only whitespace", b" \r\n\t \n", r"empty"),
             ("answer: truncated after 60% of the document", doc[: len(doc) * 6 // 10].encode(),
              r"truncated|not JSON"),
             ("answer: truncated inside a string", b'{"returnCode":"0","orders":[{"orderId":"1',
              r"truncated|not JSON"),
             ("answer: document then junk", (doc + " trailing-junk").encode(), r"not JSON|after"),
             ("answer: two documents", (doc + doc).encode(), r"not JSON|after")]
    with Body() as b:
        for what, data, pat in cases:
            b.set(data)
            r = run(b.url, what=what)
            expect(r, 3, pat)
            within(r, 2)


@tap.test("not JSON: binary garbage, NULs and random bytes -> UNKNOWN")
def _():
    with Mock(account=gen.demo_account(), scenario="garbage") as m:
        r = run(m.url, what="answer: 600 random bytes (mock garbage)")
        expect(r, 3, r"not JSON|unreadable|answer")
        within(r, 2)
    with Body() as b:
        for what, data in (("answer: NUL bytes inside a JSON prefix",
                            b'{"returnCode":"0",\x00\x00\xff\xfe"orders":[]}'),
                           ("answer: a gzip stream (no Content-Encoding)",
                            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + os.urandom(200)),
                           ("answer: UTF-16 encoded JSON",
                            json.dumps(listing(good_certs())).encode("utf-16"))):
            b.set(data)
            r = run(b.url, what=what)
            expect(r, 3)
            within(r, 2)


@tap.test("UTF-8 BOM before the document is accepted")
def _():
    doc = json.dumps(listing(good_certs(), total=2))
    with Mock(account={"raw": "\ufeff" + doc}) as m:
        r = run(m.url, what="answer: UTF-8 BOM + valid listing")
        out = expect(r, 1)
        others_still_judged(out, unknown=0)


BAD_UTF8 = [b"\xff\xfe", b"\xc0\xaf", b"\x80", b"\xed\xa0\x80", b"\xe2\x82", b"\xf4\x90\x80\x80",
            b"\xc3"]


@tap.test("invalid UTF-8 in names: read and judged, every output mode valid UTF-8 with '?'")
def _():
    name = b"bad-utf8-" + b"-".join(BAD_UTF8) + b"-end"
    cn = b"cn-\xff\xfe.example.com"
    warn = real_cert(910003, "PLACEHOLDER_NAME", 21)
    warn["commonName"] = "PLACEHOLDER_CN"
    warn["dnsName"] = "PLACEHOLDER_CN,www.example.com"
    warn["statusName"] = "PLACEHOLDER_STATUS"
    data = json.dumps(listing([warn])).encode()
    data = data.replace(b"PLACEHOLDER_NAME", name).replace(b"PLACEHOLDER_CN", cn)
    data = data.replace(b"PLACEHOLDER_STATUS", b"NORMAL\xff")
    with Body(data) as b:
        r = run(b.url, what="answer: invalid UTF-8 bytes in names")
        out = expect(r, 1)
        counts(out, certificates=1, warning=1)
        check("bad-utf8-?" in out.first and "-end" in out.first,
              "name not shown with '?' replacements: %r" % out.first[:300])
        for extra in (["-v"], ["-vvv"], ["--list"]):
            r = run(b.url, *extra, what="answer: invalid UTF-8 bytes, %s" % " ".join(extra))
            if extra != ["--list"]:
                sane(r)
            check(r.code == 1, "%s: exit %s" % (extra, r.code))
            r.stdout_bytes.decode("utf-8")  # raises on invalid UTF-8
            check(b"\xff" not in r.stdout_bytes and b"\xc0\xaf" not in r.stdout_bytes,
                  "%s: raw invalid bytes in the output" % extra)
        r = run(b.url, "--json", what="answer: invalid UTF-8 bytes, --json")
        check(r.code == 1, "--json: exit %s" % r.code)
        doc = json.loads(r.stdout_bytes.decode("utf-8"))  # strict: valid UTF-8 and JSON
        check(any("bad-utf8-" in json.dumps(c, ensure_ascii=False) for c in doc.get("certificates", [])),
              "--json lost the certificate: %r" % r.stdout[:300])


@tap.test("control characters, newlines and '|' in names forge no line and no perfdata")
def _():
    evil = "evil\nNCP_CERTS OK - all fine | forged=1;;;0\r\n[OK] fake\t\x1b[31m;x\u2028y\x7f"
    c = real_cert(910004, evil, 22, common_name="cn\n|forged2=1")
    c["dnsName"] = "a.example.com\n|forged3=1"
    with Mock(account={"raw": listing([c] + good_certs(), total=3)}) as m:
        for extra in ([], ["-v"], ["--list"]):
            r = run(m.url, *extra, what="answer: newline, '|', ESC and CR in names %s"
                    % " ".join(extra))
            if extra == ["--list"]:
                check(r.code == 1, "--list exit %s" % r.code)
                check(b"\x1b" not in r.stdout_bytes and b"\r" not in r.stdout_bytes,
                      "--list passes control characters through")
                check(not any(l.startswith("NCP_CERTS OK") for l in r.stdout.splitlines()),
                      "--list: a forged status line")
                continue
            out = expect(r, 1)
            counts(out, certificates=3, ok=1, warning=2)
            check(not any(k.startswith("forged") for k in out.perf),
                  "a forged perfdata label: %r" % list(out.perf))
            check(not any(l.startswith("NCP_CERTS OK") or l.startswith("[OK] fake")
                          for l in r.stdout.splitlines()), "a forged line: %r" % r.stdout[:400])


# ------------------------------------------------------------------ wrong shape


@tap.test("wrong shape: top level not an object -> UNKNOWN naming what it is")
def _():
    cases = [("answer: top-level array", "[]", r"array"),
             ("answer: top-level array of a listing", json.dumps([listing(good_certs())]),
              r"array"),
             ("answer: top-level string", '"Success"', r"string|bare"),
             ("answer: top-level number", "0", r"number|bare"),
             ("answer: top-level null", "null", r"null|bare"),
             ("answer: top-level true", "true", r"boolean|bare")]
    with Body() as b:
        for what, data, pat in cases:
            b.set(data)
            r = run(b.url, what=what)
            expect(r, 3, pat)


@tap.test("wrong shape: orders not an array, null, or missing -> UNKNOWN naming orders")
def _():
    base = listing(good_certs(), total=2)
    cases = [("answer: orders is an object", {"orderId": "1", "certificates": good_certs()}),
             ("answer: orders is a string", "[]"),
             ("answer: orders is a number", 2),
             ("answer: orders is true", True),
             ("answer: orders is null (totalCount 2)", None),
             ("answer: orders missing (totalCount 2)", "MISSING")]
    with Body() as b:
        for what, orders in cases:
            doc = dict(base)
            if orders == "MISSING":
                del doc["orders"]
            else:
                doc["orders"] = orders
            b.set(doc)
            r = run(b.url, what=what)
            expect(r, 3, r"orders")


@tap.test("wrong shape: one non-object certificate entry is UNKNOWN, the others judged")
def _():
    with Body() as b:
        for label, entry in (("a number", 42), ("a string", "certificate"), ("an array", [1, 2]),
                             ("null", None), ("true", True), ("an empty object", {})):
            certs = good_certs()
            certs.insert(1, entry)
            b.set(listing(certs))
            r = run(b.url, what="answer: one certificate entry is %s" % label)
            out = expect(r, MIXED)
            others_still_judged(out)
            check(any(l.startswith("[UNKNOWN] ") for l in out.long), "no [UNKNOWN] line")
            b.set(listing([good_certs()[0], entry]))
            r = run(b.url, what="answer: one OK certificate and an entry that is %s" % label)
            out = expect(r, 3)
            counts(out, certificates=2, ok=1, unknown=1)


@tap.test("wrong shape: a bad order (not an object, certificates not an array) is UNKNOWN, others judged")
def _():
    ok, warn = good_certs()
    with Body() as b:
        for label, bad in (("an order is a number", 7), ("an order is null", None),
                           ("an order's certificates is a string",
                            {"orderId": "2", "certificates": "none"}),
                           ("an order's certificates is an object",
                            {"orderId": "2", "certificates": {"a": 1}})):
            doc = {"returnCode": "0", "totalCount": 3,
                   "orders": [{"orderId": "1", "certificates": [ok]}, bad,
                              {"orderId": "3", "certificates": [warn]}]}
            b.set(doc)
            r = run(b.url, what="answer: %s" % label)
            out = expect(r, MIXED)
            others_still_judged(out)


@tap.test("wrong shape: numbers where strings belong and back are read")
def _():
    c = real_cert(0, "x", 25)
    c.update({"certificateNo": "4242", "certificateName": 12345, "commonName": 7, "statusCode": 1,
              "statusName": "NORMAL", "orderId": 99, "certificateType": 1, "dnsName": ["a.example", 5],
              "memberNo": 2780201})
    doc = {"returnCode": 0, "returnMessage": 0, "totalCount": "1",
           "orders": [{"orderId": 99, "certificates": [c]}]}
    with Body(doc) as b:
        r = run(b.url, what="answer: numbers for strings and strings for numbers")
        out = expect(r, 1, r"12345")
        counts(out, certificates=1, warning=1, unknown=0)
        check("#4242" in out.first, "certificateNo \"4242\" not read: %r" % out.first[:200])
    # epoch milliseconds as a number and as a string
    ms = int((time.time() + 25 * DAY) * 1000)
    with Body() as b:
        for label, value in (("number", ms), ("string", str(ms)), ("float number", ms + 0.0)):
            c = real_cert(4243, "epoch-" + label.replace(" ", "-"), None)
            c["notAfter"] = value
            b.set(listing([c]))
            r = run(b.url, what="answer: notAfter epoch ms as a %s" % label)
            sane(r)
            harness.diag("notAfter as a %s -> exit %s: %s" % (label, r.code, r.stdout.splitlines()[0][:150]))
            check(r.code in (1, 3), "epoch ms as a %s: exit %s (neither read nor UNKNOWN)"
                  % (label, r.code))


@tap.test("wrong shape: null everywhere")
def _():
    nulls = {k: None for k in ("certificateNo", "certificateName", "commonName", "dnsName",
                               "statusCode", "statusName", "certificateType", "orderId",
                               "notAfter", "registDate", "updateDate", "usedInstanceNoList",
                               "issueType", "subjectDN")}
    with Body() as b:
        b.set(listing(good_certs()[:1] + [nulls] + good_certs()[1:]))
        r = run(b.url, what="answer: a certificate whose every field is null")
        out = expect(r, MIXED)
        others_still_judged(out)
        b.set({"returnCode": None, "returnMessage": None, "totalCount": None, "orders": None})
        r = run(b.url, what="answer: envelope fields all null")
        expect(r, 3, r"returnCode")
        b.set({"returnCode": "0", "returnMessage": None, "totalCount": None, "orders": None})
        r = run(b.url, what="answer: returnCode 0, totalCount and orders null")
        expect(r, 3, r"orders")
        b.set({"returnCode": "0", "totalCount": 1,
               "orders": [{"orderId": None, "certificates": None}]})
        r = run(b.url, what="answer: an order with certificates null")
        out = sane(r)
        harness.diag("order with certificates null -> %s" % out.first[:200])
        check(r.code != 0 or "certificates=0" in r.stdout, "exit %s" % r.code)
        b.set("null")
        r = run(b.url, what="answer: the literal null")
        expect(r, 3)


@tap.test("wrong shape: returnCode missing -> UNKNOWN naming returnCode")
def _():
    doc = listing(good_certs())
    del doc["returnCode"]
    with Body(doc) as b:
        r = run(b.url, what="answer: listing without returnCode")
        expect(r, 3, r"returnCode")
        b.set({"totalCount": 0, "orders": []})
        r = run(b.url, what="answer: empty listing without returnCode")
        expect(r, 3, r"returnCode")
        b.set({"returnCode": "0 ", "totalCount": 0, "orders": []})
        r = run(b.url, what="answer: returnCode \"0 \" (padded)")
        sane(r)


@tap.test("wrong shape: nesting 10 000 levels deep -> UNKNOWN, quickly, no crash")
def _():
    deep = 10000
    cases = [("answer: 10 000 nested arrays", "[" * deep + "]" * deep),
             ("answer: 10 000 nested objects", '{"a":' * deep + "1" + "}" * deep),
             ("answer: 10 000 unclosed arrays", "[" * deep),
             ("answer: nesting inside a certificate field",
              json.dumps(listing(good_certs())).replace(
                  '"good-ok"', "[" * deep + "]" * deep, 1))]
    with Body() as b:
        for what, data in cases:
            b.set(data)
            r = run(b.url, what=what)
            expect(r, 3, r"deep|nest|not JSON|array")
            within(r, 3)
    # 1000 levels are still 'too deep' for a listing but must not matter either
    with Body('{"returnCode":"0","totalCount":0,"orders":[],"x":' + "[" * 1000 + "]" * 1000 + "}") as b:
        r = run(b.url, what="answer: 1000 nested arrays in an unknown field")
        sane(r)


@tap.test("a 10 MB certificateName is read; every output line stays short")
def _():
    big = "N" * (10 << 20)
    c = real_cert(910005, big, 20, common_name="c" * (1 << 20))
    with Body(listing([c])) as b:
        r = run(b.url, what="answer: 10 MB certificateName, 1 MB commonName")
        out = sane(r)
        check(r.code == 1, "exit %s, expected 1 (WARNING): %r" % (r.code, out.first[:200]))
        counts(out, certificates=1, warning=1)
        check(len(out.first) <= 1024, "status line is %d bytes" % len(out.first))
        text_bounded(r)
        r = run(b.url, "-v", what="answer: 10 MB certificateName, -v")
        text_bounded(r)
        r = run(b.url, "--list", what="answer: 10 MB certificateName, --list")
        check(r.code == 1, "--list exit %s" % r.code)
        text_bounded(r)


# Under valgrind (whose realloc always moves the block) growing the list of
# names one by one is quadratic: the scale is for native runs only.
N_DNS = 20000 if harness.VALGRIND else 700000


@tap.test("a 10 MB dnsName of 700 000 names and a 10 MB statusName: bounded time and output")
def _():
    c = real_cert(910006, "many-dns", 20)
    c["dnsName"] = ",".join("d%d.example.com" % i for i in range(N_DNS))
    d = real_cert(910007, "long-status", 100, status=77)
    d["statusName"] = "S" * (10 << 20)
    with Body(listing([c, d], total=2)) as b:
        r = run(b.url, "-t", "20", timeout=40, what="answer: dnsName of %d names (%.1f MB) + 10 MB "
                "statusName" % (N_DNS, len(c["dnsName"]) / 1e6))
        out = expect(r, MIXED)
        counts(out, certificates=2, warning=1, unknown=1)
        within(r, 10)
        r = run(b.url, "-d", "d%d\\.example" % (N_DNS - 1), what="answer: %d-name dnsName, -d the last name" % N_DNS)
        out = expect(r, 1)
        counts(out, certificates=1, warning=1)


# ------------------------------------------------------------------ size


# Peak RSS must be measured from a small parent: Linux keeps a process's
# peak RSS across fork and exec, so a plugin forked straight from this
# (large) Python process would report this process's size.
RSS_HELPER = r"""
import os, resource, sys
if int(sys.argv[2]):
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
pid = os.posix_spawn(sys.argv[3], sys.argv[3:], os.environ)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write("%d %d\n" % (status, ru.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) % 256)
"""


def spawn_rss(args, timeout=40, as_limit=0):
    """A native run (never valgrind) whose own peak RSS is measured;
    as_limit: an RLIMIT_AS for the plugin, in bytes (0: none)."""
    argv = [harness.plugin_path()] + [str(a) for a in args]
    info = harness.tmpfile("rss.txt")
    out_path, err_path = harness.tmpfile("rss.out"), harness.tmpfile("rss.err")
    t0 = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = subprocess.Popen([sys.executable, "-c", RSS_HELPER, info, str(as_limit)] + argv,
                             env=harness.clean_env(),
                             stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
    try:
        p.wait(timeout + TIME_SLACK)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)
        p.wait()
        timed_out = True
    elapsed = time.monotonic() - t0
    code, maxrss = None, None
    if not timed_out:
        with open(info) as fh:
            status, maxrss = (int(x) for x in fh.read().split())
        code = os.waitstatus_to_exitcode(status)
    ob, eb = open(out_path, "rb").read(), open(err_path, "rb").read()
    r = harness.Result(code, ob.decode("utf-8", "replace"), eb.decode("utf-8", "replace"), elapsed,
                       argv, timed_out, ob, eb)
    r.maxrss_kb = maxrss
    harness.LAST_RESULTS.append(r)
    return r


def rss_limit_run(what, scenario, args, body_bytes, rss_limit_mb, bound):
    with Mock(scenario=scenario) as m:
        r = spawn_rss(["-u", m.url] + creds() + ["-t", "20", "--retries", "0"] + args)
        report("%s; peak RSS %s MB" % (what, "%.1f" % (r.maxrss_kb / 1024.0) if r.maxrss_kb else "?"), r)
        out = expect(r, 3, r"larger than|max-response-size")
        within(r, bound)
        check(r.maxrss_kb < rss_limit_mb * 1024,
              "peak RSS %.1f MB for a %d MB body (limit %d MB)"
              % (r.maxrss_kb / 1024.0, body_bytes >> 20, rss_limit_mb))
        harness.diag("%s: peak RSS %.1f MB, %.2f s" % (what, r.maxrss_kb / 1024.0, r.elapsed))
        del out


@tap.test("200 MB body, --max-response-size 1M: stops reading at the limit (peak RSS)")
def _():
    rss_limit_run("200 MB body, no length, --max-response-size 1M",
                  "huge:200M", ["--max-response-size", "1M"], 200 << 20, 40, 5)


@tap.test("200 MB body with Content-Length, --max-response-size 1M: refused up front")
def _():
    rss_limit_run("200 MB body, Content-Length, --max-response-size 1M",
                  "huge:200M:length", ["--max-response-size", "1M"], 200 << 20, 40, 5)


@tap.test("a body that never ends, default --max-response-size (32 MiB): stops at 32 MiB")
def _():
    rss_limit_run("endless body (1 TB), default 32 MiB limit",
                  "huge:1024G", [], 1 << 40, 32 + 64, 15)


def tiny_entries(mib):
    """A listing of about mib MiB whose certificates are 4 million bare 1s."""
    n = (mib << 20) // 2 - 64
    return (b'{"returnCode":"0","totalCount":1,"orders":[{"orderId":"1","certificates":['
            + b",".join([b"1"] * n) + b"]}]}")


@tap.test("an 8 MiB answer of 4 million tiny entries: bounded time and memory (amplification)")
def _():
    with Body(tiny_entries(8)) as b:
        r = spawn_rss(["-u", b.url] + creds() + ["-t", "20", "--retries", "0"])
        report("8 MiB answer, 4 million entries `1`; peak RSS %s MB"
               % ("%.0f" % (r.maxrss_kb / 1024.0) if r.maxrss_kb else "?"), r)
        out = expect(r, 3)
        within(r, 21)
        harness.diag("4 million tiny entries: %.2f s, peak RSS %.0f MB: %s"
                     % (r.elapsed, r.maxrss_kb / 1024.0, out.first[:120]))
        check(r.maxrss_kb < 512 * 1024, "peak RSS %.0f MB for an 8 MiB answer (%.0fx its size; "
              "limit 512 MB): a 32 MiB answer under the default --max-response-size would take "
              "~4x that" % (r.maxrss_kb / 1024.0, r.maxrss_kb / 1024.0 / 8))


def sanitizer_skip():
    # ASan reserves terabytes of shadow address space: no RLIMIT_AS test there
    return "sanitizer build" if os.environ.get("SANITIZERS") == "yes" else None


@tap.test("out of memory (RLIMIT_AS 400 MB) on a big answer: UNKNOWN, exit 3, no crash",
          skip_if=sanitizer_skip)
def _():
    with Body(tiny_entries(8)) as b:
        r = spawn_rss(["-u", b.url] + creds() + ["-t", "20", "--retries", "0"], as_limit=400 << 20)
        report("8 MiB answer of tiny entries under a 400 MB address-space limit", r)
        expect(r, 3, r"memory|not JSON|too")
        within(r, 21)
        if not re.search(r"memory", r.stdout):
            harness.diag("note: memory exhaustion reported as %r" % r.stdout.splitlines()[0][:160])


@tap.test("--max-response-size boundary: exactly the body size is read, one byte less is refused")
def _():
    doc = json.dumps(listing(good_certs(), total=2)).encode()
    with Mock(account={"raw": doc.decode()}) as m:
        r = run(m.url, "--max-response-size", str(len(doc)),
                what="answer of %d bytes, --max-response-size %d" % (len(doc), len(doc)))
        others_still_judged(expect(r, 1), unknown=0)
        r = run(m.url, "--max-response-size", str(len(doc) - 1),
                what="answer of %d bytes, --max-response-size %d" % (len(doc), len(doc) - 1))
        expect(r, 3, r"larger than")


# ------------------------------------------------------------------ dates

IMPOSSIBLE_DATES = [
    "2026-02-30 00:00:00(UTC+09:00)",
    "2027-02-29 12:00:00(UTC+09:00)",
    "2026-04-31T00:00:00Z",
    "2026-13-01 00:00:00(UTC+09:00)",
    "2026-00-10 00:00:00(UTC+09:00)",
    "2026-06-01 25:00:00(UTC+09:00)",
    "2026-06-01T24:30:00+09:00",
    "2026-06-01 12:60:00(UTC+09:00)",
    "2026-06-01 12:00:61(UTC+09:00)",
    "0000-06-01 00:00:00(UTC+09:00)",
    "0000-01-01T00:00:00Z",
    "2026-06-01 00:00:00(UTC+14:01)",
    "2026-06-01 00:00:00(UTC-14:30)",
    "2026-06-01T00:00:00+15:00",
    "2026-06-01T00:00:00-23:59",
    "2026-06-01 00:00:00(UTC+09:75)",
    "99999-06-01 00:00:00(UTC+09:00)",
    "-2026-06-01T00:00:00Z",
    "",
    "2026-06-01",
    1e300,
    -1e300,
    10 ** 30,
    True,
    {"date": "2026-06-01"},
]


@tap.test("impossible notAfter dates: that certificate UNKNOWN, the others judged")
def _():
    with Body() as b:
        for i, value in enumerate(IMPOSSIBLE_DATES):
            bad = real_cert(920000 + i, "bad-date-%02d" % i, None)
            bad["notAfter"] = value
            certs = good_certs()
            certs.insert(1, bad)
            b.set(listing(certs))
            r = run(b.url, what="notAfter %s" % json.dumps(value)[:50])
            out = expect(r, MIXED)
            others_still_judged(out)
            check(any(l.startswith("[UNKNOWN] ") and "bad-date-%02d" % i in l for l in out.long),
                  "no [UNKNOWN] line for notAfter %r: %r" % (value, out.long[:4]))


# ------------------------------------------------------------------ paging


@tap.test("paging: duplicate certificate numbers across pages are counted once")
def _():
    a = gen.cert(1, "dup-a", 1, 200, order_id=1)
    bb = gen.cert(2, "dup-b", 1, 25, order_id=2)
    c = gen.cert(3, "dup-c", 1, 200, order_id=3)
    d = gen.cert(4, "dup-d", 1, 5, order_id=4)
    # pages of 2: [a b] [c a] [d b] - a listing that shifts under the client
    acc = gen.account([(1, [a]), (2, [bb]), (3, [c]), (1, [a]), (4, [d]), (2, [bb])])
    with Mock(account=acc) as m:
        r = run(m.url, "--page-size", "2", what="paging: certificate numbers repeated across pages")
        out = expect(r, 2)
        counts(out, certificates=4, ok=2, warning=1, critical=1)
        labels = [k for k in out.perf if k.startswith("dup-")]
        check(sorted(labels) == ["dup-a", "dup-b", "dup-c", "dup-d"], "labels %r" % labels)


@tap.test("paging: a page repeated whole mid-listing (listing shifted by a page) is no false OK")
def _():
    a = gen.cert(1, "shift-a", 1, 200, order_id=1)
    bb = gen.cert(2, "shift-b", 1, 200, order_id=2)
    c = gen.cert(3, "shift-c-expired", 1, -3, order_id=3)
    d = gen.cert(4, "shift-d", 1, 200, order_id=4)
    # pages of 2: [a b] [a b] [c d]; totalCount 6 orders
    acc = gen.account([(1, [a]), (2, [bb]), (1, [a]), (2, [bb]), (3, [c]), (4, [d])])
    with Mock(account=acc) as m:
        r = run(m.url, "--page-size", "2", "-vv",
                what="paging: page 2 repeats page 1, an expired cert on page 3")
        out = sane(r)
        pages = [e["page"] for e in api_requests(m)]
        harness.diag("pages requested: %r" % pages)
        check(r.code in (2, 3), "exit %s (%s): the expired certificate on page 3 was never "
              "fetched (pages %r) although totalCount says 6 orders" % (r.code, out.first[:160], pages))


@tap.test("paging: totalCount lying high, low, missing or absurd -> every certificate counted")
def _():
    acc = gen.size_account(25, seed=11, healthy=True)
    for mode in ("high", "low", "missing", "certs"):
        with Mock(account=acc, extra=["--total-count", mode]) as m:
            r = run(m.url, "--page-size", "10", what="paging: totalCount %s, 25 orders, pages of 10"
                    % mode)
            out = expect(r, 0)
            counts(out, certificates=25, ok=25)
            n = len(api_requests(m))
            check(n <= 4, "%d requests for 3 pages" % n)
    with Body() as b:
        for total in (10 ** 30, -5, "many", 1e300, 2 ** 63, None):
            b.set(listing(good_certs(), total=total))
            r = run(b.url, what="paging: totalCount %s (one page, repeated)" % json.dumps(total)[:30])
            out = expect(r, 1)
            others_still_judged(out, unknown=0)
            within(r, 3)


@tap.test("paging: a server that never ends -> UNKNOWN within -t")
def _():
    with Mock(scenario="endless") as m:
        r = run(m.url, "--page-size", "100", t="4", what="paging: endless pages of new certificates, -t 4")
        expect(r, 3, r"timeout|gave up")
        within(r, 5)
    with Mock(account={"raw": {"returnCode": "0", "orders": [{"orderId": "1", "certificates": [5]}]}}) as m:
        r = run(m.url, t="10", what="paging: same unnumbered bad entry on every page, no totalCount")
        expect(r, 3, r"timeout|gave up|pages")
        within(r, 11)


# ------------------------------------------------------------------ transport faults


def closed_port():
    """A port that refuses connections: bound, never listening."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


@tap.test("fault: connection refused -> UNKNOWN / --api-error-state, quickly")
def _():
    s, port = closed_port()
    try:
        url = "http://127.0.0.1:%d" % port
        r = run(url, t="5", retries=None, what="fault: connection refused (default retries)")
        expect(r, 3, r"connect|refused")
        within(r, 6)
        r = run(url, "--api-error-state", "critical", t="5",
                what="fault: connection refused, --api-error-state critical")
        expect(r, 2, r"connect|refused")
        within(r, 6)
        r = run("https://127.0.0.1:%d" % port, "--retries", "5", t="2",
                what="fault: connection refused, --retries 5 -t 2")
        expect(r, 3)
        within(r, 3)
    finally:
        s.close()


@tap.test("fault: DNS failure (.invalid) -> UNKNOWN / --api-error-state, no hang")
def _():
    r = run("http://ncp-test.invalid:1", t="5", what="fault: DNS failure ncp-test.invalid")
    expect(r, 3, r"resolve|ncp-test\.invalid")
    within(r, 6)
    r = run("https://ncp-test.invalid", "--api-error-state", "warning", t="5",
            what="fault: DNS failure, --api-error-state warning")
    expect(r, 1)
    within(r, 6)


class RawServer:
    """A TCP server on 127.0.0.1 that misbehaves at the TLS layer:
    'close' reads the ClientHello and closes, 'rst' resets, 'stall' reads
    it and says nothing, 'http' answers it with a plain HTTP error."""

    def __init__(self, mode):
        self.mode = mode
        self.stop = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = "https://127.0.0.1:%d" % self.port
        self.conns = 0

    def __enter__(self):
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)
        self.sock.close()
        return False

    def _loop(self):
        deadline = time.monotonic() + 60
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.conns += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            conn.settimeout(5)
            if self.mode == "rst":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                conn.close()
                return
            conn.recv(4096)
            if self.mode == "close":
                conn.close()
            elif self.mode == "http":
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                conn.close()
            elif self.mode == "half":
                # a TLS record header promising a handshake message, then close
                conn.sendall(b"\x16\x03\x03\x00\x40\x02\x00\x00\x3c\x03\x03")
                conn.close()
            else:  # stall
                self.stop.wait(30)
                conn.close()
        except OSError:
            pass


@tap.test("fault: TLS handshake failures -> UNKNOWN within the timeout")
def _():
    with Mock(account=gen.demo_account()) as m:
        r = run("https://127.0.0.1:%d" % m.port, t="5", what="fault: https:// to a plain-HTTP server")
        expect(r, 3, r"SSL|TLS|wrong version|handshake")
        within(r, 6)
    for mode, what in (("close", "fault: server closes after the ClientHello"),
                       ("rst", "fault: server resets the connection at once"),
                       ("half", "fault: server sends half a ServerHello and closes"),
                       ("http", "fault: server answers the ClientHello with plain HTTP")):
        with RawServer(mode) as s:
            r = run(s.url, t="5", what=what)
            expect(r, 3)
            within(r, 6)
            r = run(s.url, "--api-error-state", "critical", t="5", what=what + ", --api-error-state critical")
            expect(r, 2)
    with RawServer("stall") as s:
        r = run(s.url, t="3", what="fault: server never answers the ClientHello, -t 3")
        expect(r, 3, r"timeout|timed out")
        within(r, 4)


_PKI = None


def hostile_pki():
    """Server certificates that must all be refused: expired, not yet
    valid, for another host name, self-signed; signed by the test CA."""
    global _PKI
    if _PKI is not None:
        return _PKI
    ca = harness.test_ca()
    d = os.path.join(harness.tmpdir(), "pki-hostile")
    os.makedirs(os.path.join(d, "db"), exist_ok=True)
    j = lambda n: os.path.join(d, n)  # noqa: E731
    open(j("db/index.txt"), "w").close()
    with open(j("db/serial"), "w") as fh:
        fh.write("1000\n")
    with open(j("ca.cnf"), "w") as fh:
        fh.write("""[ca]
default_ca = test_ca
[test_ca]
dir = %s
database = $dir/db/index.txt
new_certs_dir = $dir/db
serial = $dir/db/serial
default_md = sha256
policy = pol
unique_subject = no
copy_extensions = none
[pol]
commonName = supplied
[local]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,IP:::1,DNS:localhost
[other]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
""" % d)
    harness._openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                     "-keyout", j("leaf.key"), "-out", j("leaf.csr"))
    harness._openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=other.example",
                     "-keyout", j("other.key"), "-out", j("other.csr"))

    def sign(csr, out, ext, start, end):
        harness._openssl("ca", "-batch", "-config", j("ca.cnf"), "-cert", ca["ca_cert"],
                         "-keyfile", ca["ca_key"], "-in", j(csr), "-out", j(out),
                         "-extensions", ext, "-startdate", start, "-enddate", end, "-notext")

    fmt = lambda t: time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))  # noqa: E731
    t = time.time()
    sign("leaf.csr", "expired.pem", "local", fmt(t - 400 * DAY), fmt(t - 30 * DAY))
    sign("leaf.csr", "future.pem", "local", fmt(t + 30 * DAY), fmt(t + 400 * DAY))
    sign("other.csr", "other-host.pem", "other", fmt(t - DAY), fmt(t + 30 * DAY))
    harness._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                     "-subj", "/CN=localhost", "-keyout", j("self.key"), "-out", j("self.pem"),
                     "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
    _PKI = {"expired": (j("expired.pem"), j("leaf.key")),
            "future": (j("future.pem"), j("leaf.key")),
            "other-host": (j("other-host.pem"), j("other.key")),
            "self-signed": (j("self.pem"), j("self.key")),
            "ca": ca["ca_cert"]}
    return _PKI


@tap.test("fault: untrusted, expired, not yet valid, wrong-host server certificates -> UNKNOWN, no request")
def _():
    pki = hostile_pki()
    for kind, what, pat in (("expired", "fault: expired server certificate", r"expired"),
                            ("future", "fault: server certificate not yet valid", r"not yet valid|SSL"),
                            ("other-host", "fault: certificate for other.example at 127.0.0.1",
                             r"127\.0\.0\.1|other\.example|name|match"),
                            ("self-signed", "fault: self-signed server certificate",
                             r"self[- ]signed|SSL|certificate")):
        cert, key = pki[kind]
        with Mock(account=gen.demo_account(), extra=["--tls-cert", cert, "--tls-key", key]) as m:
            url = "https://127.0.0.1:%d" % m.port
            r = run(url, "--cacert", pki["ca"], t="5", what=what + " (--cacert test CA)")
            expect(r, 3, pat)
            within(r, 6)
            r = run(url, t="5", what=what + " (system CA store)")
            expect(r, 3)
            r = run(url, "--cacert", pki["ca"], "--api-error-state", "warning", t="5",
                    what=what + ", --api-error-state warning")
            expect(r, 1)
            check(api_requests(m) == [], "%s: a request got through: %r" % (kind, m.requests()))
    # the same certificate checks with localhost in the URL
    cert, key = pki["other-host"]
    with Mock(account=gen.demo_account(), extra=["--tls-cert", cert, "--tls-key", key]) as m:
        r = run("https://localhost:%d" % m.port, "--cacert", pki["ca"], t="5",
                what="fault: certificate for other.example at localhost")
        expect(r, 3)


@tap.test("fault: server closes mid-body, stalls, drips, is slow -> bounded, right state")
def _():
    acc = gen.demo_account()
    with Mock(account=acc, scenario="close-mid-body") as m:
        r = run(m.url, t="5", what="fault: server closes mid-body")
        expect(r, 3)
        within(r, 2)
        r = run(m.url, "--api-error-state", "critical", t="5",
                what="fault: server closes mid-body, --api-error-state critical")
        expect(r, 2)
        r = run(m.url, t="5", retries="2", what="fault: server closes mid-body, --retries 2")
        expect(r, 3)
        within(r, 6)
    for sc, what in (("stall", "fault: server stalls after the headers, -t 3"),
                     ("drip", "fault: server drips one byte a second, -t 3"),
                     ("slow:6", "fault: server answers after 6 s, -t 3")):
        with Mock(account=acc, scenario=sc) as m:
            r = run(m.url, t="3", what=what)
            expect(r, 3, r"timeout after 3 s")
            within(r, 4)
            r = run(m.url, "--api-error-state", "critical", t="2",
                    what=what.replace("-t 3", "-t 2") + ", --api-error-state critical")
            expect(r, 2, r"timeout")
            within(r, 3)


# ------------------------------------------------------------------ output faults


def demo_args(m, *extra):
    return ["-u", m.url] + creds() + ["-t", "10"] + list(extra)


@tap.test("output: stdout a pipe with its read end closed -> exit code is the state, no SIGPIPE death")
def _():
    with Mock(account=gen.demo_account()) as m:
        for extra, what in (([], "output: stdout pipe closed"),
                            (["-vvv"], "output: stdout and stderr pipes closed, -vvv")):
            rd, wr = os.pipe()
            os.close(rd)
            err_wr = None
            if extra:
                err_rd, err_wr = os.pipe()
                os.close(err_rd)
            r = spawn(demo_args(m, *extra), stdout=wr, stderr=err_wr)
            report(what, r)
            check(r.code is not None and r.code >= 0, "killed by signal %s" % (-(r.code or 0)))
            check(r.code == 2, "exit %s, expected 2 (CRITICAL, the demo account's state)" % r.code)


@tap.test("output: partial write, then the reader closes -> exit code is the state")
def _():
    acc = gen.size_account(3000, seed=21)
    with Mock(account=acc) as m:
        rd, wr = os.pipe()
        holder = {}

        def reader():
            holder["data"] = os.read(rd, 100)
            time.sleep(0.3)
            os.close(rd)

        th = threading.Thread(target=reader)
        th.start()
        r = spawn(demo_args(m, "--json"), stdout=wr, timeout=30)
        th.join(10)
        report("output: reader takes 100 bytes of a big --json answer, then closes", r)
        check(holder.get("data", b"").startswith(b"{"), "reader got %r" % holder.get("data"))
        check(r.code is not None and r.code >= 0, "killed by signal %s" % (-(r.code or 0)))
        check(r.code in (1, 2), "exit %s, expected the account's state" % r.code)


@tap.test("output: stdout is /dev/full -> exit code is the state")
def _():
    with Mock(account=gen.demo_account()) as m:
        with open("/dev/full", "wb") as full:
            r = spawn(demo_args(m, "-vvv"), stdout=full)
        report("output: stdout is /dev/full", r)
        check(r.code == 2, "exit %s, expected 2" % r.code)


@tap.test("output: stdout and stderr closed (fd 1, 2) -> exit code is the state, cache intact")
def _():
    path = os.path.join(tempfile.mkdtemp(dir=harness.tmpdir()), "certs.cache")
    with Mock(account=gen.demo_account()) as m:
        def close_12():
            os.close(1)
            os.close(2)
        r = spawn(demo_args(m, "--cache-file", path, "-vvv"), stdout=subprocess.DEVNULL,
                  stderr=subprocess.DEVNULL, preexec_fn=close_12)
        report("output: fds 1 and 2 closed, with --cache-file", r)
        check(r.code == 2, "exit %s, expected 2" % r.code)
        n = len(api_requests(m))
        r2 = run_plugin(demo_args(m, "--cache-file", path))
        report("output: the next run reads that cache", r2)
        out = expect(r2, 2)
        counts(out, certificates=10)
        check(len(api_requests(m)) == n, "the cache written with fds 1/2 closed was not reused "
              "(%d requests)" % (len(api_requests(m)) - n))


_TMPFS = {}


def tmpfs_skip():
    """Mounts a 16 KiB tmpfs for the full-disk case; a SKIP reason if not."""
    if os.geteuid() != 0:
        return "not root: cannot mount a tmpfs"
    d = tempfile.mkdtemp(prefix="ncp-e2e-tmpfs-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k,mode=0755", "tmpfs", d],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    if p.returncode != 0:
        os.rmdir(d)
        return "mount -t tmpfs failed: %s" % p.stdout.decode(errors="replace").strip()[:100]
    _TMPFS["dir"] = d
    return None


def tmpfs_umount():
    d = _TMPFS.pop("dir", None)
    if d:
        subprocess.run(["umount", d], timeout=20)
        try:
            os.rmdir(d)
        except OSError:
            pass


def fill_disk(d):
    """Fills the file system until it refuses (blocks or inodes)."""
    for i in range(1000):
        try:
            with open(os.path.join(d, "fill-%d" % i), "ab") as fh:
                while True:
                    fh.write(b"\0" * 1024)
                    fh.flush()
        except OSError:
            pass
        try:
            open(os.path.join(d, "probe"), "wb").close()
        except OSError:
            return
        os.unlink(os.path.join(d, "probe"))


@tap.test("full disk for the cache: right state and output, exit code the state, old cache intact",
          skip_if=tmpfs_skip)
def _():
    d = _TMPFS["dir"]
    try:
        acc = gen.account([(1, [gen.cert(51, "disk-ok", 1, 200, order_id=1),
                                gen.cert(52, "disk-warn", 1, 20.3, order_id=1)])])
        with Mock(account=acc) as m:
            plain = run_plugin(demo_args(m))
            want = expect(plain, 1)
            cache = os.path.join(d, "certs.cache")
            r = run_plugin(demo_args(m, "--cache-file", cache))
            report("cache: written on a 16 KiB tmpfs", r)
            expect(r, 1)
            check(os.path.getsize(cache) > 0, "no cache written while there was room")
            fill_disk(d)
            st = os.statvfs(d)
            harness.diag("tmpfs free after filling: %d bytes" % (st.f_bavail * st.f_frsize))
            for args, what in (([], "cache: disk full, cache young (read only)"),
                               (["--cache-max-age", "0"], "cache: disk full, refetch, write fails"),
                               (["-vv", "--cache-max-age", "0"], "cache: disk full, write fails, -vv")):
                r = run_plugin(demo_args(m, "--cache-file", cache, *args))
                report(what, r)
                out = expect(r, 1)
                check(out.summary == want.summary, "summary %r, without cache %r"
                      % (out.summary, want.summary))
                check(sorted(out.perf) == sorted(want.perf), "perfdata labels differ")
            new = os.path.join(d, "new.cache")
            r = run_plugin(demo_args(m, "--cache-file", new))
            report("cache: disk full, no cache yet", r)
            out = expect(r, 1)
            check(out.summary == want.summary, "summary %r" % out.summary)
            left = [f for f in os.listdir(d) if ".tmp" in f]
            check(not left, "temporary files left on the full disk: %r" % left)
            port = m.port
        # the mock is gone: the old cache must still be whole
        r = run_plugin(["-u", "http://127.0.0.1:%d" % port] + creds() +
                       ["-t", "5", "--retries", "0", "--cache-file", cache, "--cache-max-age", "0",
                        "--cache-stale-max", "3600"])
        report("cache: API down, stale cache after failed writes", r)
        out = expect(r, 1, r"cache")
        counts(out, certificates=2, ok=1, warning=1)
    finally:
        tmpfs_umount()


# ------------------------------------------------------------------ secrets

SECRET2 = "hostile-SECRET-Vb7Rk2pQ-never-leak"


def secret_forms(secret):
    b = secret.encode()
    forms = {"plain": b, "base64": base64.b64encode(b), "base64url": base64.urlsafe_b64encode(b),
             "hex": b.hex().encode(), "HEX": b.hex().upper().encode(),
             "fragment": b[len(b) // 3: len(b) // 3 + 8]}
    forms["base64-unpadded"] = forms["base64"].rstrip(b"=")
    return forms


def leaks(data, secret=SECRET2):
    return [k for k, v in secret_forms(secret).items() if v in data]


def ini_text(secret, key=KEY, profile="DEFAULT"):
    return "[%s]\nncloud_access_key_id = %s\nncloud_secret_access_key = %s\n" % (profile, key, secret)


def source_args(source, secret):
    """(args, env) giving the plugin its credentials from one source."""
    if source == "flag+file":
        return ["-a", KEY, "--secret-key-file", harness.secret_file(secret)], None
    if source == "env NCLOUD_SECRET_ACCESS_KEY":
        return [], {"NCLOUD_ACCESS_KEY_ID": KEY, "NCLOUD_SECRET_ACCESS_KEY": secret}
    if source == "env NCLOUD_SECRET_KEY":
        return [], {"NCLOUD_ACCESS_KEY": KEY, "NCLOUD_SECRET_KEY": secret}
    if source == "INI":
        return ["--credentials-file", harness.tmpfile("configure", ini_text(secret))], None
    raise ValueError(source)


SOURCES = ("flag+file", "env NCLOUD_SECRET_ACCESS_KEY", "env NCLOUD_SECRET_KEY", "INI")


@tap.test("secrets: never on stdout, stderr or in the cache, -vvv, every source, good and bad answers")
def _():
    acc = gen.demo_account()
    answers = [("normal answer", dict(account=acc), "10", 2),
               ("401 (server knows another secret)", dict(account=acc, secret="the-server-secret"), "10", 3),
               ("403 gateway error body", dict(scenario="status:403:" + harness.tmpfile(
                   "403.json", ncp_mock.gateway_error_body(403, "access denied"))), "10", 3),
               ("empty 403", dict(scenario="empty-403"), "10", 3),
               ("garbage", dict(account=acc, scenario="garbage"), "10", 3),
               ("timeout (stall, -t 1)", dict(account=acc, scenario="stall"), "1", 3)]
    for label, mock_kw, t, code in answers:
        kw = dict(mock_kw)
        kw.setdefault("secret", SECRET2)
        with Mock(**kw) as m:
            for source in SOURCES:
                args, env = source_args(source, SECRET2)
                cache = os.path.join(tempfile.mkdtemp(dir=harness.tmpdir()), "c.cache")
                r = run_plugin(["-u", m.url, "-t", t, "--retries", "0", "-vvv", "--cache-file", cache]
                               + args, env=env)
                report("secret: %s, %s, -vvv" % (source, label), r)
                sane(r)
                check(r.code == code, "%s/%s: exit %s, expected %s" % (source, label, r.code, code))
                for chan, data in (("stdout", r.stdout_bytes), ("stderr", r.stderr_bytes)):
                    found = leaks(data)
                    check(not found, "%s/%s: the secret (%s) is on %s" % (source, label, found, chan))
                for f in os.listdir(os.path.dirname(cache)):
                    with open(os.path.join(os.path.dirname(cache), f), "rb") as fh:
                        found = leaks(fh.read())
                    check(not found, "%s/%s: the secret (%s) is in %s" % (source, label, found, f))
                with open(m.log_path, "rb") as fh:  # what went over the wire
                    found = leaks(fh.read())
                check(not found, "%s/%s: the secret (%s) was sent to the server" % (source, label, found))
                if label == "normal answer":
                    check(os.path.exists(cache), "no cache written")
                    check("credentials from" in r.stdout, "-vvv does not name the source")


def wait_for_request(m, timeout=8.0):
    deadline = time.monotonic() + timeout + TIME_SLACK
    while time.monotonic() < deadline:
        if api_requests(m):
            return True
        time.sleep(0.02)
    return False


def proc_read(pid, name):
    try:
        with open("/proc/%d/%s" % (pid, name), "rb") as fh:
            return fh.read()
    except OSError as e:
        return e


@tap.test("secrets: not in /proc/<pid>/cmdline; env secret scrubbed from /proc/<pid>/environ once sent")
def _():
    with Mock(account=gen.demo_account(), scenario="slow:2", secret=SECRET2) as m:
        for source in SOURCES:
            args, env = source_args(source, SECRET2)
            argv = [harness.plugin_path(), "-u", m.url, "-t", "10"] + args
            before = len(api_requests(m))
            t0 = time.monotonic()
            p = subprocess.Popen(argv, env=harness.clean_env(env), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                deadline = time.monotonic() + 8
                while len(api_requests(m)) <= before and time.monotonic() < deadline:
                    time.sleep(0.02)
                sent = len(api_requests(m)) > before
                cmdline = proc_read(p.pid, "cmdline")
                environ = proc_read(p.pid, "environ")
                alive = p.poll() is None
            finally:
                out, err = p.communicate(timeout=20)
            elapsed = time.monotonic() - t0
            r = harness.Result(p.returncode, out.decode("utf-8", "replace"),
                               err.decode("utf-8", "replace"), elapsed, argv, False, out, err)
            report("secret: /proc of a running plugin, %s" % source, r)
            check(sent, "%s: no request reached the mock" % source)
            check(alive, "%s: the plugin ended before /proc could be read" % source)
            check(isinstance(cmdline, bytes) and isinstance(environ, bytes),
                  "%s: cannot read /proc: %r %r" % (source, cmdline, environ))
            check(not leaks(cmdline), "%s: the secret is in /proc/<pid>/cmdline" % source)
            found = leaks(environ)
            check(not found, "%s: the secret (%s) is still in /proc/<pid>/environ after the "
                  "first request was sent" % (source, found))
            if source.startswith("env"):
                check(b"NCLOUD_ACCESS_KEY" in environ, "%s: environ unreadable?" % source)
            check(r.code == 2, "%s: exit %s, expected 2" % (source, r.code))


@tap.test("secrets: key files readable by group or others are refused unless --allow-open-credentials")
def _():
    with Mock(account=gen.demo_account(), secret=SECRET2) as m:
        for mode in (0o640, 0o604, 0o644, 0o660, 0o666):
            path = harness.tmpfile("secret-open", SECRET2 + "\n", mode)
            os.chmod(path, mode)
            before = len(m.requests())
            r = run_plugin(["-u", m.url, "-t", "5", "-a", KEY, "--secret-key-file", path])
            report("secret: --secret-key-file mode %04o" % mode, r)
            expect(r, 3, r"group or others|chmod 600", re.escape(os.path.basename(path)))
            check(len(m.requests()) == before, "a request was sent with an open key file")
            r = run_plugin(["-u", m.url, "-t", "5", "-a", KEY, "--secret-key-file", path,
                            "--allow-open-credentials"])
            report("secret: --secret-key-file mode %04o, --allow-open-credentials" % mode, r)
            expect(r, 2)
            path = harness.tmpfile("configure-open", ini_text(SECRET2), mode)
            os.chmod(path, mode)
            before = len(m.requests())
            r = run_plugin(["-u", m.url, "-t", "5", "--credentials-file", path])
            report("secret: --credentials-file mode %04o" % mode, r)
            expect(r, 3, r"group or others|chmod 600")
            check(len(m.requests()) == before, "a request was sent with an open credentials file")
            r = run_plugin(["-u", m.url, "-t", "5", "--credentials-file", path,
                            "--allow-open-credentials"])
            report("secret: --credentials-file mode %04o, --allow-open-credentials" % mode, r)
            expect(r, 2)
        # the default ~/.ncloud/configure too
        env = harness.clean_env()
        os.makedirs(os.path.join(env["HOME"], ".ncloud"), mode=0o700)
        cfg = os.path.join(env["HOME"], ".ncloud", "configure")
        with open(cfg, "w") as fh:
            fh.write(ini_text(SECRET2))
        os.chmod(cfg, 0o644)
        r = run_plugin(["-u", m.url, "-t", "5"], env=env, clean=False)
        report("secret: ~/.ncloud/configure mode 0644", r)
        expect(r, 3, r"group or others|chmod 600")
        r = run_plugin(["-u", m.url, "-t", "5", "--allow-open-credentials"], env=env, clean=False)
        report("secret: ~/.ncloud/configure mode 0644, --allow-open-credentials", r)
        expect(r, 2)
        os.chmod(cfg, 0o600)
        r = run_plugin(["-u", m.url, "-t", "5"], env=env, clean=False)
        report("secret: ~/.ncloud/configure mode 0600", r)
        expect(r, 2)


NOBODY = 65534


def _drop_to(uid):
    def fn():
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    return fn


def dumpable_skip():
    if os.geteuid() == 0:
        try:
            p = subprocess.run(["true"], preexec_fn=_drop_to(NOBODY), timeout=10)
        except (OSError, subprocess.SubprocessError) as e:
            return "cannot run a process as uid %d: %s" % (NOBODY, e)
        if p.returncode != 0:
            return "cannot run a process as uid %d" % NOBODY
        # the build tree may sit in a private directory (mktemp -d, 0700)
        try:
            p = subprocess.run([harness.plugin_path(), "--version"], preexec_fn=_drop_to(NOBODY),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
        except (OSError, subprocess.SubprocessError) as e:
            return "uid %d cannot run the plugin here: %s" % (NOBODY, e)
        if p.returncode != 3:
            return "uid %d cannot run the plugin here (exit %d)" % (NOBODY, p.returncode)
    return None


def read_as(pre, path):
    """'ok' if a process run with preexec pre can read path, else cat's error."""
    p = subprocess.run(["cat", path], preexec_fn=pre, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=10)
    return "ok" if p.returncode == 0 else p.stderr.decode(errors="replace").strip()


@tap.test("secrets: the running plugin is not dumpable (/proc/<pid> owned by root, environ unreadable)",
          skip_if=dumpable_skip)
def _():
    as_root = os.geteuid() == 0
    d = tempfile.mkdtemp(prefix="ncp-e2e-nobody-")
    try:
        os.chmod(d, 0o711)
        secret_path = os.path.join(d, "secret")
        with open(secret_path, "w") as fh:
            fh.write(SECRET2 + "\n")
        os.chmod(secret_path, 0o600)
        pre = None
        uid = os.geteuid()
        if as_root:
            os.chown(secret_path, NOBODY, NOBODY)
            os.chown(d, NOBODY, NOBODY)
            pre = _drop_to(NOBODY)
            uid = NOBODY
        env = harness.clean_env({"HOME": d})
        with Mock(account=gen.demo_account(), scenario="slow:2", secret=SECRET2) as m:
            # a control process of the same uid: its /proc files are its own
            ctl = subprocess.Popen(["sleep", "10"], preexec_fn=pre, stdin=subprocess.DEVNULL)
            argv = [harness.plugin_path(), "-u", m.url, "-t", "10", "-a", KEY,
                    "--secret-key-file", secret_path]
            t0 = time.monotonic()
            try:
                p = subprocess.Popen(argv, env=env, preexec_fn=pre, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            except OSError as e:
                ctl.kill()
                ctl.wait()
                raise harness.Failure("cannot start the plugin as uid %d: %s" % (uid, e))
            try:
                sent = wait_for_request(m)
                alive = p.poll() is None
                st_plugin = os.stat("/proc/%d/environ" % p.pid)
                st_ctl = os.stat("/proc/%d/environ" % ctl.pid)
                # another process of the same uid tries to read environ
                rd_plugin = read_as(pre, "/proc/%d/environ" % p.pid)
                rd_ctl = read_as(pre, "/proc/%d/environ" % ctl.pid)
            finally:
                out, err = p.communicate(timeout=20)
                ctl.kill()
                ctl.wait()
            r = harness.Result(p.returncode, out.decode("utf-8", "replace"),
                               err.decode("utf-8", "replace"), time.monotonic() - t0, argv, False,
                               out, err)
            report("secret: dumpable flag of the running plugin (uid %d)" % uid, r)
            if r.code == 3 and "Permission denied" in r.stdout:
                raise harness.Failure("uid %d cannot use the test files: %s" % (uid, r.stdout[:200]))
            check(sent and alive, "the plugin was not caught while running (sent %s alive %s)"
                  % (sent, alive))
            check(st_ctl.st_uid == uid, "control: /proc/<pid>/environ of a dumpable process "
                  "owned by %d, expected %d (the method does not work here)" % (st_ctl.st_uid, uid))
            check(st_plugin.st_uid == 0, "/proc/<pid>/environ of the plugin owned by uid %d, "
                  "not root: the plugin is dumpable" % st_plugin.st_uid)
            if as_root:
                check(rd_ctl == "ok", "control: uid %d cannot read its own process's environ (%s)"
                      % (uid, rd_ctl))
                check(rd_plugin != "ok" and "denied" in rd_plugin,
                      "uid %d could read the plugin's /proc/<pid>/environ (%s)" % (uid, rd_plugin))
            check(r.code == 2, "exit %s, expected 2" % r.code)
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    harness.require_plugin()
    t_start = time.monotonic()
    try:
        rc = tap.run()
    finally:
        tmpfs_umount()
    print_report_table()
    harness.diag("test_hostile.py: %.1f s%s" % (time.monotonic() - t_start,
                                                " (valgrind mode)" if harness.VALGRIND else ""))
    sys.exit(rc)
