#!/usr/bin/env python3
"""End-to-end tests of check_ncp_advanced_certs against the mock API (TAP).

  PLUGIN=plugins/check_ncp_advanced_certs python3 tests/e2e/test_api.py [NAME-FILTER...]

Every case starts its own mock on 127.0.0.1 (free port), runs the built
plugin with HOME set to an empty temp dir and no NCLOUD_* variables, and
checks exit code, status line, perfdata and the mock's request log.
Fixtures use dates relative to now, so the tests do not go stale.
"""

import json
import os
import re
import sys
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
DEFAULT_WARN = "2592000:"   # 30 days
DEFAULT_CRIT = "1209600:"   # 14 days
TOLERANCE_S = 120           # plugin clock vs mock clock, rounding, slow machines
ENDPOINT_SUFFIX = os.environ.get("E2E_ENDPOINT_SUFFIX", "")


# ------------------------------------------------------------------ helpers


def endpoint(m):
    return m.url + ENDPOINT_SUFFIX


def creds(secret=SECRET, key=KEY):
    return ["-a", key, "--secret-key-file", harness.secret_file(secret)]


def run(m, *args, env=None, timeout=30, secret=SECRET, key=KEY, with_creds=True, input=None):
    argv = ["-u", endpoint(m)] + (creds(secret, key) if with_creds else []) + list(args)
    return run_plugin(argv, env=env, timeout=timeout, input=input)


def expect(r, code, state=None):
    """Exit code and status line state; returns the parsed output."""
    state = state or {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}[code]
    check(not r.timed_out, "plugin did not finish within the run timeout")
    out = parse_output(r.stdout)
    check(r.code == code, "exit code %s, expected %s" % (r.code, code))
    check(out.state == state, "status line %r does not start with 'NCP_CERTS %s - '"
          % (out.first, state))
    return out


def counts(out, **want):
    """certificates/ok/warning/critical/unknown perfdata: value and min 0."""
    for label, n in want.items():
        check(label in out.perf, "perfdata %r missing in %r" % (label, out.perf_text[:300]))
        item = out.perf[label]
        check(item["value"] == n, "perfdata %s=%s, expected %s" % (label, item["value"], n))
        check(item["min"] == "0", "perfdata %s min %r, expected 0 (%s)" % (label, item["min"],
                                                                         item["raw"]))


def perf_for(out, name):
    if name in out.perf:
        return out.perf[name]
    hits = [v for k, v in out.perf.items() if name in k]
    check(len(hits) == 1, "no single perfdata label for %r (labels: %s)"
          % (name, ", ".join(list(out.perf)[:20])))
    return hits[0]


def expiry(out, name, days, warn=DEFAULT_WARN, crit=DEFAULT_CRIT):
    item = perf_for(out, name)
    check(item["uom"] == "s", "%s: unit %r, expected s (%s)" % (name, item["uom"], item["raw"]))
    check(item["value"] is not None and abs(item["value"] - days * DAY) <= TOLERANCE_S,
          "%s: %s s left, expected %.0f +- %d (%s)" % (name, item["value"], days * DAY,
                                                       TOLERANCE_S, item["raw"]))
    check(item["warn"] == warn and item["crit"] == crit,
          "%s thresholds %r;%r, expected %r;%r" % (name, item["warn"], item["crit"], warn, crit))


def no_duplicate_labels(out):
    d = [k for k, v in out.perf.items() if v.get("duplicate")]
    check(not d, "perfdata labels repeated: %s" % d[:5])


def certs_of(acc):
    return [c for o in acc["orders"] for c in o["certificates"]]


def healthy_account(n, per_order=1, seed=3):
    return gen.size_account(n, seed=seed, per_order=per_order, healthy=True)


def one_cert(days, status=1, style="ncp", name="single-cert", **kw):
    return gen.account([(700001, [gen.cert(300001, name, status, days, date_style=style,
                                            order_id=700001, **kw)])])


def mentions(text, *patterns):
    for p in patterns:
        check(re.search(p, text, re.I), "output does not match /%s/: %r" % (p, text[:300]))


def api_requests(m):
    return [e for e in m.requests() if e["path"] == ncp_mock.API_PATH]


DEMO = gen.DEMO_EXPECT


def demo_fixture():
    return harness.fixture("accounts/demo.json")


# ------------------------------------------------------------------ states


@tap.test("demo account: CRITICAL, exit 2, right counts")
def _():
    with Mock(account=demo_fixture()) as m:
        r = run(m, "-t", "10")
        out = expect(r, 2)
        counts(out, certificates=10, ok=3, warning=2, critical=4, unknown=1)


@tap.test("demo account: long output lines per state, [OK] only with -v")
def _():
    with Mock(account=demo_fixture()) as m:
        out = expect(run(m, "-t", "10"), 2)
        for name, st in DEMO["by_name"].items():
            lines = [l for l in out.long if name in l]
            if st == "OK":
                check(not any(l.startswith("[OK] ") for l in out.long),
                      "[OK] lines without -v: %r" % out.long)
                continue
            check(any(l.startswith("[%s] " % st) for l in lines),
                  "no '[%s] ' line naming %s in %r" % (st, name, out.long))
        check(len(out.long_with("[CRITICAL] ")) >= 4, "4 [CRITICAL] lines")
        check(len(out.long_with("[WARNING] ")) >= 2, "2 [WARNING] lines")
        out = expect(run(m, "-t", "10", "-v"), 2)
        for name, st in DEMO["by_name"].items():
            if st == "OK":
                check(any(l.startswith("[OK] ") and name in l for l in out.long),
                      "-v: no '[OK] ' line naming %s" % name)


@tap.test("demo account: per-certificate perfdata in seconds with 30/14-day thresholds")
def _():
    with Mock(account=demo_fixture()) as m:
        out = expect(run(m, "-t", "10"), 2)
        for name, days in DEMO["expiry_days"].items():
            expiry(out, name, days)
        no_duplicate_labels(out)


@tap.test("all-healthy account: OK, exit 0")
def _():
    acc = gen.account([(1, [gen.cert(11, "healthy-a", 1, 200, order_id=1),
                            gen.cert(12, "healthy-b", 2, 90, order_id=1, date_style="iso")]),
                       (2, [gen.cert(13, "healthy-c", 1, 45, order_id=2, date_style="iso-z")])])
    with Mock(account=acc) as m:
        out = expect(run(m, "-t", "10"), 0)
        counts(out, certificates=3, ok=3, warning=0, critical=0, unknown=0)
        expiry(out, "healthy-c", 45)


@tap.test("one certificate in the warning window: WARNING, exit 1")
def _():
    acc = gen.account([(1, [gen.cert(11, "healthy-a", 1, 200, order_id=1),
                            gen.cert(12, "soon-b", 1, 20, order_id=1)])])
    with Mock(account=acc) as m:
        out = expect(run(m, "-t", "10"), 1)
        counts(out, certificates=2, ok=1, warning=1, critical=0, unknown=0)
        check(any(l.startswith("[WARNING] ") and "soon-b" in l for l in out.long),
              "[WARNING] line for soon-b")


@tap.test("thresholds -w 5 -c 1 change the state and the perfdata ranges")
def _():
    with Mock(account=one_cert(20)) as m:
        out = expect(run(m, "-t", "10", "-w", "5", "-c", "1"), 0)
        expiry(out, "single-cert", 20, "432000:", "86400:")
    with Mock(account=one_cert(3)) as m:
        out = expect(run(m, "-t", "10"), 2)
        out = expect(run(m, "-t", "10", "-w", "5", "-c", "1"), 1)
        expiry(out, "single-cert", 3, "432000:", "86400:")
    with Mock(account=one_cert(0.5)) as m:
        out = expect(run(m, "-t", "10", "-w", "5", "-c", "1"), 2)


@tap.test("empty account: OK with 'no Advanced certificates'")
def _():
    with Mock() as m:
        r = run(m, "-t", "10")
        out = expect(r, 0)
        mentions(out.first, r"no Advanced certificates")
        counts(out, certificates=0)


@tap.test("status rules: unknown status UNKNOWN, DELETED left out, EXPIRE CRITICAL")
def _():
    h = gen.cert(1, "healthy", 1, 100, order_id=1)
    acc = gen.account([(1, [h, gen.cert(2, "weird-status", -99, 100, order_id=1,
                                        status_name="SOMETHING_NEW")])])
    with Mock(account=acc) as m:
        out = expect(run(m, "-t", "10"), 3)
        counts(out, certificates=2, ok=1, unknown=1)
        check(any(l.startswith("[UNKNOWN] ") and "weird-status" in l for l in out.long),
              "[UNKNOWN] line for weird-status")
    acc = gen.account([(1, [h, gen.cert(2, "deleted-one", -6, 100, order_id=1)])])
    with Mock(account=acc) as m:
        out = expect(run(m, "-t", "10"), 0)
        counts(out, certificates=1, ok=1)
        check("deleted-one" not in r_text(out), "DELETED certificate shown")
    acc = gen.account([(1, [h, gen.cert(2, "expire-status", -2, -5, order_id=1)])])
    with Mock(account=acc) as m:
        out = expect(run(m, "-t", "10"), 2)
        counts(out, certificates=2, ok=1, critical=1)


def r_text(out):
    return "\n".join([out.first] + out.long)


@tap.test("a NORMAL certificate without a readable notAfter is UNKNOWN, not OK")
def _():
    h = gen.cert(1, "healthy", 1, 100, order_id=1)
    for bad, extra in (("no-notafter", None), ("bad-date", {"notAfter": "soon"}),
                       ("null-date", {"notAfter": None})):
        acc = gen.account([(1, [h, gen.cert(2, bad, 1, None, order_id=1, extra=extra)])])
        with Mock(account=acc) as m:
            out = expect(run(m, "-t", "10"), 3)
            counts(out, certificates=2, ok=1, unknown=1)
            check(any(l.startswith("[UNKNOWN] ") and bad in l for l in out.long),
                  "[UNKNOWN] line for %s" % bad)


@tap.test("names with quotes, spaces, '=' and Hangul: valid perfdata labels")
def _():
    names = ["it's a test", "two  spaces", "a=b", "\ud55c\uad6d\uc5b4-\uc778\uc99d\uc11c"]
    acc = gen.account([(1, [gen.cert(i + 1, n, 1, 20 + i, order_id=1)
                            for i, n in enumerate(names)])])
    with Mock(account=acc) as m:
        r = run(m, "-t", "10")
        out = expect(r, 1)
        counts(out, certificates=4, warning=4)
        check(len(out.perf) == 5 + 4, "9 perfdata items, parsed %d: %r" % (len(out.perf),
                                                                          out.perf_text))
        for i, n in enumerate(names):
            if "=" in n:
                hits = [k for k in out.perf if k not in ("certificates", "ok", "warning",
                                                         "critical", "unknown")
                        and abs(out.perf[k]["value"] - (20 + i) * DAY) <= TOLERANCE_S]
                check(len(hits) == 1 and "=" not in hits[0], "label for %r: %r" % (n, hits))
            else:
                expiry(out, n, 20 + i)
        check(any(names[3] in l for l in out.long), "Hangul name in long output")


@tap.test("large account (5000 certificates, varied): counts match the documented rules")
def _():
    acc = gen.size_account(5000, seed=42)
    want = {"OK": 0, "WARNING": 0, "CRITICAL": 0, "UNKNOWN": 0}
    for c in certs_of(acc):
        want[expected_state(c)] += 1
    with Mock(account=acc) as m:
        r = run(m, "-t", "30", timeout=60)
        out = expect(r, 2 if want["CRITICAL"] else 1)
        counts(out, certificates=5000, ok=want["OK"], warning=want["WARNING"],
               critical=want["CRITICAL"], unknown=want["UNKNOWN"])
        no_duplicate_labels(out)
        check(r.elapsed < 15 + TIME_SLACK, "took %.1f s" % r.elapsed)
        log = api_requests(m)
        harness.diag("5000 certificates: %.2f s, %d requests, %d connection(s)"
                     % (r.elapsed, len(log), len({e["conn"] for e in log})))


def expected_state(c):
    """The state the help text documents for a fixture certificate (-w 30 -c 14)."""
    code = int(c["statusCode"])
    if code in (1, 2, 3):
        d = c["notAfterDays"]
        return "CRITICAL" if d < 14 else "WARNING" if d < 30 else "OK"
    if code == 0:
        return "OK"
    if code == -7:
        return "WARNING"
    if code in (-1, -2, -3, -4, -5, -11, -12, -20):
        return "CRITICAL"
    return "UNKNOWN"


# ------------------------------------------------------------------ signing


@tap.test("wrong secret: UNKNOWN, exit 3, naming 401 and the gateway error")
def _():
    with Mock(account=demo_fixture()) as m:
        r = run(m, "-t", "10", "--retries", "0", secret="not-the-secret")
        out = expect(r, 3)
        mentions(out.first, r"\b401\b", r"Authentication Failed|errorCode\D{0,5}200|\b200\b")


@tap.test("every request is correctly signed (mock log: sig_ok true, ms timestamp)")
def _():
    with Mock(account=healthy_account(25)) as m:
        t0 = time.time()
        expect(run(m, "-t", "10", "--page-size", "10"), 0)
        t1 = time.time()
        log = api_requests(m)
        check(len(log) >= 3, "at least 3 page requests, got %d" % len(log))
        for e in log:
            check(e["sig_ok"] is True and e["status"] == 200, "request %r" % e)
            ts = e["headers"].get("x-ncp-apigw-timestamp", "")
            check(ts.isdigit() and t0 - 5 <= int(ts) / 1000.0 <= t1 + 5,
                  "timestamp %r is not ms since the epoch, now" % ts)
            check(e["headers"].get("x-ncp-iam-access-key") == KEY, "access key header")


@tap.test("requests carry Accept and Content-Type application/json")
def _():
    with Mock(account=healthy_account(2)) as m:
        expect(run(m, "-t", "10"), 0)
        check(len(api_requests(m)) >= 1, "no request reached the mock")
        for e in api_requests(m):
            oh = e.get("other_headers", {})
            check("application/json" in oh.get("accept", ""), "Accept: %r" % oh)
            check("application/json" in oh.get("content-type", ""), "Content-Type: %r" % oh)


@tap.test("the plugin's own clock signs: server clock 10 min ahead -> UNKNOWN naming 401")
def _():
    with Mock(account=healthy_account(2), scenario="clock-skew:600") as m:
        out = expect(run(m, "-t", "10", "--retries", "0"), 3)
        mentions(out.first, r"\b401\b")


# ------------------------------------------------------------------ paging


@tap.test("paging: 250 orders with --page-size 100 -> 3 requests, all counted")
def _():
    with Mock(account=healthy_account(250)) as m:
        out = expect(run(m, "-t", "20", "--page-size", "100"), 0)
        counts(out, certificates=250, ok=250)
        log = api_requests(m)
        check([e["page"] for e in log] == [1, 2, 3], "pages requested %r" % [e["page"] for e in log])
        check(all(e["pageSize"] == 100 for e in log), "pageSize %r" % [e["pageSize"] for e in log])
        no_duplicate_labels(out)
        conns = {e["conn"] for e in log}
        if len(conns) > 1:
            harness.diag("note: %d connections for %d pages (keep-alive not reused)"
                         % (len(conns), len(log)))


@tap.test("paging: server caps page size (--max-page-size 7) -> no certificate lost")
def _():
    acc = gen.size_account(120, seed=21, healthy=True)
    with Mock(account=acc, extra=["--max-page-size", "7"]) as m:
        out = expect(run(m, "-t", "20", "--page-size", "100"), 0)
        counts(out, certificates=120, ok=120)
        no_duplicate_labels(out)


@tap.test("paging: server ignores page/pageSize -> no duplicates, plugin stops")
def _():
    acc = gen.size_account(60, seed=22, healthy=True)
    with Mock(account=acc, extra=["--ignore-page-size"]) as m:
        out = expect(run(m, "-t", "20", "--page-size", "10"), 0)
        counts(out, certificates=60, ok=60)
        no_duplicate_labels(out)
        check(len(api_requests(m)) <= 3, "%d requests" % len(api_requests(m)))


@tap.test("paging: server ignores page/pageSize and sends no totalCount -> no duplicates")
def _():
    acc = gen.size_account(60, seed=22, healthy=True)
    with Mock(account=acc, extra=["--ignore-page-size", "--total-count", "missing"]) as m:
        out = expect(run(m, "-t", "20", "--page-size", "10"), 0)
        counts(out, certificates=60, ok=60)
        no_duplicate_labels(out)
        check(len(api_requests(m)) <= 3, "%d requests" % len(api_requests(m)))


for _mode in ("certs", "missing", "low", "high"):
    def _make(mode):
        @tap.test("paging: totalCount %s -> all certificates counted" % mode)
        def _():
            acc = gen.size_account(260, seed=23, healthy=True)  # 1-4 per order
            n_orders = len(acc["orders"])
            with Mock(account=acc, extra=["--total-count", mode]) as m:
                out = expect(run(m, "-t", "20", "--page-size", "25"), 0)
                counts(out, certificates=260, ok=260)
                no_duplicate_labels(out)
                n = len(api_requests(m))
                check(n <= n_orders // 25 + 3, "%d requests for %d orders" % (n, n_orders))
    _make(_mode)




@tap.test("paging: capped pages AND a too-low totalCount -> no certificate lost")
def _():
    acc = gen.size_account(120, seed=21, healthy=True)
    with Mock(account=acc, extra=["--max-page-size", "7", "--total-count", "low"]) as m:
        out = expect(run(m, "-t", "20", "--page-size", "100"), 0)
        counts(out, certificates=120, ok=120)


@tap.test("paging: a server that never ends -> UNKNOWN within the timeout")
def _():
    with Mock(scenario="endless") as m:
        r = run(m, "-t", "10", "--page-size", "100", timeout=30)
        expect(r, 3)
        check(r.elapsed < 11.5 + TIME_SLACK, "took %.1f s with -t 10" % r.elapsed)


# ------------------------------------------------------------------ retries


@tap.test("retries: 503/503/200 with --retries 2 -> OK after 3 requests")
def _():
    with Mock(account=healthy_account(3), scenario="sequence:503/503/200") as m:
        out = expect(run(m, "-t", "20", "--retries", "2"), 0)
        counts(out, certificates=3)
        check(len(api_requests(m)) == 3, "%d requests" % len(api_requests(m)))


@tap.test("retries: 503/503/503 with --retries 2 -> UNKNOWN naming 503, 3 requests")
def _():
    with Mock(account=healthy_account(3), scenario="sequence:503/503/503") as m:
        out = expect(run(m, "-t", "20", "--retries", "2"), 3)
        mentions(out.first, r"\b503\b")
        check(len(api_requests(m)) == 3, "%d requests" % len(api_requests(m)))


@tap.test("retries: 429 with Retry-After: 1 is honoured")
def _():
    with Mock(account=healthy_account(3), scenario="sequence:429/200",
              extra=["--retry-after", "1"]) as m:
        out = expect(run(m, "-t", "20", "--retries", "2"), 0)
        log = api_requests(m)
        check(len(log) == 2, "%d requests" % len(log))
        gap = log[1]["t"] - log[0]["t"]
        check(gap >= 0.9, "retried after %.2f s, Retry-After was 1" % gap)
        counts(out, certificates=3)


@tap.test("retries: 5xx retried by default (503/200 without --retries -> OK)")
def _():
    with Mock(account=healthy_account(3), scenario="sequence:503/200") as m:
        expect(run(m, "-t", "20"), 0)
        check(len(api_requests(m)) == 2, "%d requests" % len(api_requests(m)))


@tap.test("retries: 401 is not retried")
def _():
    with Mock(account=healthy_account(3)) as m:
        expect(run(m, "-t", "20", "--retries", "2", secret="wrong"), 3)
        check(len(api_requests(m)) == 1, "%d requests" % len(api_requests(m)))


@tap.test("retries: Retry-After longer than the time left -> UNKNOWN within -t")
def _():
    with Mock(account=healthy_account(3), scenario="sequence:429/200",
              extra=["--retry-after", "30"]) as m:
        r = run(m, "-t", "5", "--retries", "2")
        out = expect(r, 3)
        check(r.elapsed < 6 + TIME_SLACK, "took %.1f s with -t 5" % r.elapsed)
        mentions(out.first, r"\b429\b|timeout after 5 s")


# ------------------------------------------------------------------ API errors


@tap.test("redirect -> UNKNOWN, the other host sees no request")
def _():
    with Mock(account=healthy_account(2)) as other:
        target = other.url + ncp_mock.API_PATH
        with Mock(scenario="redirect", extra=["--redirect-to", target]) as m:
            out = expect(run(m, "-t", "10", "--retries", "0"), 3)
            check(len(m.requests()) >= 1, "the redirecting mock saw the request")
        check(other.requests() == [], "redirect followed: %r" % other.requests())
        mentions(out.first, r"\b302\b|redirect")


@tap.test("returnCode other than 0 -> UNKNOWN naming the code")
def _():
    with Mock(scenario="return-code:24061") as m:
        out = expect(run(m, "-t", "10", "--retries", "0"), 3)
        mentions(out.first, r"24061")


@tap.test("empty 403 -> UNKNOWN mentioning main-account API keys")
def _():
    with Mock(scenario="empty-403") as m:
        out = expect(run(m, "-t", "10", "--retries", "0"), 3)
        mentions(out.first + "\n" + "\n".join(out.long), r"\b403\b", r"main[- ]account")


@tap.test("gateway error body -> UNKNOWN naming HTTP status and errorCode/message")
def _():
    body = harness.tmpfile("503.json", json.dumps(
        {"error": {"errorCode": "500", "message": "Endpoint Error", "details": "upstream down"}}))
    with Mock(scenario="status:503:" + body) as m:
        out = expect(run(m, "-t", "10", "--retries", "0"), 3)
        mentions(out.first, r"\b503\b", r"Endpoint Error|errorCode\D{0,5}500")


@tap.test("responseError body -> UNKNOWN naming HTTP status and the service's message")
def _():
    body = harness.tmpfile("400.json", json.dumps(
        {"responseError": {"returnCode": "24001", "returnMessage": "Invalid parameter page"}}))
    with Mock(scenario="status:400:" + body) as m:
        out = expect(run(m, "-t", "10", "--retries", "0"), 3)
        mentions(out.first, r"\b400\b", r"24001|Invalid parameter page")


@tap.test("--max-response-size 1K with a bigger answer -> UNKNOWN")
def _():
    with Mock(account=gen.demo_account()) as m:
        out = expect(run(m, "-t", "10", "--retries", "0", "--max-response-size", "1K"), 3)
        mentions(out.first, r"max-response-size|larger|too (big|large)")


for _sc in ("html", "garbage", "close-mid-body"):
    def _make(sc):
        @tap.test("%s answer -> UNKNOWN" % sc)
        def _():
            with Mock(account=gen.demo_account(), scenario=sc) as m:
                r = run(m, "-t", "10", "--retries", "0")
                expect(r, 3)
                check(r.elapsed < 9 + TIME_SLACK, "took %.1f s" % r.elapsed)
    _make(_sc)


@tap.test("truncated JSON (HTTP 200) -> UNKNOWN")
def _():
    raw = '{"returnCode":"0","returnMessage":"Success","totalCount":1,"orders":[{"orderId":"1",'
    with Mock(account={"raw": raw}) as m:
        expect(run(m, "-t", "10", "--retries", "0"), 3)


for _sc in ("drip", "stall", "slow:6"):
    def _make(sc):
        @tap.test("%s with -t 3 -> UNKNOWN 'timeout after 3 s' in under 4 s" % sc)
        def _():
            with Mock(account=gen.demo_account(), scenario=sc) as m:
                r = run(m, "-t", "3", timeout=20)
                out = expect(r, 3)
                mentions(out.first, r"^NCP_CERTS UNKNOWN - timeout after 3 s\b")
                check(r.elapsed < 4.0 + TIME_SLACK, "took %.2f s" % r.elapsed)
    _make(_sc)


@tap.test("--api-error-state critical / warning change the exit code of an API error")
def _():
    with Mock(scenario="status:503") as m:
        out = expect(run(m, "-t", "10", "--retries", "0", "--api-error-state", "critical"), 2)
        mentions(out.first, r"\b503\b")
        expect(run(m, "-t", "10", "--retries", "0", "--api-error-state", "warning"), 1)
        expect(run(m, "-t", "10", "--retries", "0", "--api-error-state", "unknown"), 3)


# ------------------------------------------------------------------ TLS


@tap.test("HTTPS with --cacert (test CA) works")
def _():
    ca = harness.test_ca()
    with Mock(account=demo_fixture(), tls=True) as m:
        out = expect(run(m, "-t", "10", "--cacert", ca["ca_cert"]), 2)
        counts(out, certificates=DEMO["certificates"], critical=DEMO["critical"])


@tap.test("HTTPS without --cacert or with another CA -> UNKNOWN, no request")
def _():
    ca = harness.test_ca()
    with Mock(account=demo_fixture(), tls=True) as m:
        expect(run(m, "-t", "10", "--retries", "0"), 3)
        expect(run(m, "-t", "10", "--retries", "0", "--cacert", ca["other_ca_cert"]), 3)
        check(m.requests() == [], "a request got through: %r" % m.requests())


@tap.test("HTTPS with --insecure works and says verification is off")
def _():
    with Mock(account=demo_fixture(), tls=True) as m:
        r = run(m, "-t", "10", "--insecure")
        expect(r, 2)
        mentions(r.stdout, r"(verif\w*|TLS|certificate check\w*)\W+(\w+\W+){0,3}(off|disabled)"
                 r"|insecure")


# ------------------------------------------------------------------ credentials


def ini_file(text, mode=0o600):
    return harness.tmpfile("configure", text, mode)


GOOD_INI = """[DEFAULT]
ncloud_access_key_id = WRONGACCESSKEY000000
ncloud_secret_access_key = wrong-default-secret

[prod]
ncloud_access_key_id = %s
ncloud_secret_access_key = %s
""" % (KEY, SECRET)


@tap.test("credentials: -a with --secret-key-file")
def _():
    with Mock(account=healthy_account(2)) as m:
        expect(run(m, "-t", "10"), 0)
        log = api_requests(m)
        check(len(log) >= 1 and all(e["sig_ok"] for e in log), "signed requests: %r" % log)


for _kv, _sv in (("NCLOUD_ACCESS_KEY_ID", "NCLOUD_SECRET_ACCESS_KEY"),
                 ("NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY")):
    def _make(kv, sv):
        @tap.test("credentials: environment %s + %s" % (kv, sv))
        def _():
            with Mock(account=healthy_account(2)) as m:
                expect(run(m, "-t", "10", with_creds=False, env={kv: KEY, sv: SECRET}), 0)
                check(len(api_requests(m)) >= 1 and all(e["sig_ok"] for e in api_requests(m)),
                      "signed with the env credentials")
    _make(_kv, _sv)


@tap.test("credentials: INI file with --profile and NCLOUD_PROFILE")
def _():
    path = ini_file(GOOD_INI)
    with Mock(account=healthy_account(2)) as m:
        expect(run(m, "-t", "10", "--credentials-file", path, "--profile", "prod",
                   with_creds=False), 0)
        expect(run(m, "-t", "10", "--credentials-file", path, with_creds=False,
                   env={"NCLOUD_PROFILE": "prod"}), 0)
        # DEFAULT profile holds a wrong key: refused by the gateway
        out = expect(run(m, "-t", "10", "--retries", "0", "--credentials-file", path,
                         with_creds=False), 3)
        mentions(out.first, r"\b401\b")
        log = api_requests(m)
        check([e["sig_ok"] for e in log] == [True, True, False], "sig_ok %r" % [e["sig_ok"] for e in log])


@tap.test("credentials: default ~/.ncloud/configure [DEFAULT]")
def _():
    env = harness.clean_env()
    os.makedirs(os.path.join(env["HOME"], ".ncloud"), mode=0o700)
    with open(os.path.join(env["HOME"], ".ncloud", "configure"), "w") as fh:
        fh.write("[DEFAULT]\nncloud_access_key_id=%s\nncloud_secret_access_key=%s\n" % (KEY, SECRET))
    os.chmod(os.path.join(env["HOME"], ".ncloud", "configure"), 0o600)
    with Mock(account=healthy_account(2)) as m:
        r = run_plugin(["-u", endpoint(m), "-t", "10"], env=env, clean=False)
        expect(r, 0)
        log = api_requests(m)
        check(len(log) >= 1 and all(e["sig_ok"] for e in log), "signed requests: %r" % log)


@tap.test("credentials: missing -> UNKNOWN naming the three ways, no request")
def _():
    with Mock(account=healthy_account(2)) as m:
        r = run(m, "-t", "10", with_creds=False)
        out = expect(r, 3)
        text = r.stdout + r.stderr
        mentions(text, r"--access-key|-a\b", r"NCLOUD_", r"\.ncloud/configure|--credentials-file")
        check(m.requests() == [], "requests were sent: %r" % m.requests())
        del out


@tap.test("-a without --secret-key-file -> exit 3 (usage), no request")
def _():
    with Mock(account=healthy_account(2)) as m:
        r = run_plugin(["-u", endpoint(m), "-a", KEY, "-t", "10"])
        check(r.code == 3, "exit %s" % r.code)
        check(m.requests() == [], "requests were sent")


# ------------------------------------------------------------------ --input


def saved_demo_answer():
    return json.dumps(ncp_mock.render_account(gen.demo_account()))


@tap.test("--input FILE: saved answer, no credentials, no server")
def _():
    path = harness.tmpfile("answer.json", saved_demo_answer())
    r = run_plugin(["--input", path, "-t", "10"])
    out = expect(r, 2)
    counts(out, **{k: DEMO[k] for k in ("certificates", "ok", "warning", "critical", "unknown")})
    expiry(out, "api-gateway", 20)


@tap.test("--input -: saved answer on standard input")
def _():
    r = run_plugin(["--input", "-", "-t", "10"], input=saved_demo_answer())
    out = expect(r, 2)
    counts(out, **{k: DEMO[k] for k in ("certificates", "ok", "warning", "critical", "unknown")})


@tap.test("--input with a file that is not an API answer -> UNKNOWN")
def _():
    path = harness.tmpfile("answer.json", "<html>nope</html>")
    expect(run_plugin(["--input", path]), 3)


# ------------------------------------------------------------------ dates


for _style in gen.DATE_STYLES:
    def _make(style):
        @tap.test("date style %s is read exactly (to within 2 min)" % style)
        def _():
            acc = gen.account([(1, [gen.cert(21, "style-warn", 1, 20.25, order_id=1,
                                             date_style=style),
                                    gen.cert(22, "style-ok", 1, 100.75, order_id=1,
                                             date_style=style)])])
            with Mock(account=acc) as m:
                out = expect(run(m, "-t", "10"), 1)
                counts(out, certificates=2, ok=1, warning=1)
                expiry(out, "style-warn", 20.25)
                expiry(out, "style-ok", 100.75)
    _make(_style)


@tap.test("results do not depend on the local time zone (TZ)")
def _():
    with Mock(account=demo_fixture()) as m:
        for tz in ("Asia/Seoul", "America/New_York", "Pacific/Kiritimati"):
            out = expect(run(m, "-t", "10", env={"TZ": tz}), 2)
            counts(out, **{k: DEMO[k] for k in ("certificates", "ok", "warning", "critical", "unknown")})
            for name, days in DEMO["expiry_days"].items():
                expiry(out, name, days)


# ------------------------------------------------------------------ secrecy, CLI


@tap.test("the secret never appears in the output of -vvv runs")
def _():
    secret = "e2e-SECRET-Zq9xW7-never-print"
    with Mock(account=demo_fixture(), secret=secret) as m:
        runs = [run(m, "-t", "10", "-vvv", secret=secret),
                run(m, "-t", "10", "-vvv", "--retries", "0", secret=secret + "-wrong"),
                run(m, "-t", "10", "-vvv", with_creds=False,
                    env={"NCLOUD_ACCESS_KEY_ID": KEY, "NCLOUD_SECRET_ACCESS_KEY": secret}),
                run(m, "-t", "10", "-vvv", "--credentials-file",
                    ini_file("[DEFAULT]\nncloud_access_key_id=%s\nncloud_secret_access_key=%s\n"
                             % (KEY, secret)), with_creds=False)]
        check(runs[0].code == 2, "the -vvv run works (exit %s)" % runs[0].code)
        for r in runs:
            check(secret not in r.stdout + r.stderr, "secret printed by %s" % r.args)
            check("Zq9xW7" not in r.stdout + r.stderr, "part of the secret printed")


@tap.test("--help and --version exit 3 with text")
def _():
    r = run_plugin(["--help"])
    check(r.code == 3, "--help exit %s" % r.code)
    mentions(r.stdout, r"--warning", r"--critical", r"--endpoint")
    r = run_plugin(["-h"])
    check(r.code == 3, "-h exit %s" % r.code)
    r = run_plugin(["--version"])
    check(r.code == 3, "--version exit %s" % r.code)
    mentions(r.stdout, r"\d+\.\d+")
    r = run_plugin(["-V"])
    check(r.code == 3, "-V exit %s" % r.code)


@tap.test("unknown option -> exit 3")
def _():
    r = run_plugin(["--no-such-option"])
    check(r.code == 3, "exit %s" % r.code)


if __name__ == "__main__":
    harness.require_plugin()
    sys.exit(tap.run())
