#!/usr/bin/env python3
"""End-to-end tests of selection, renewals, status policy, the shared cache
and the outputs for people and scripts (TAP).

  PLUGIN=plugins/check_ncp_advanced_certs python3 tests/e2e/test_scale.py [NAME-FILTER...]

Same conventions as test_api.py: every case starts its own mock on
127.0.0.1 (free port), runs the built plugin with HOME an empty temp dir
and no NCLOUD_* variables, every run is bounded in time, and fixtures use
dates relative to now.
"""

import json
import os
import re
import stat
import subprocess
import sys
import time
import unicodedata

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Mock, check, parse_output, run_plugin  # noqa: E402

ncp_mock, gen = harness.import_mock_modules()
tap = harness.Tap()

KEY = harness.ACCESS_KEY
SECRET = harness.SECRET
OTHER_KEY = "OTHERACCESSKEY000002"
OTHER_SECRET = "other-secret-key-for-account-two"
DAY = 86400
DEFAULT_WARN = "2592000:"   # 30 days
DEFAULT_CRIT = "1209600:"   # 14 days
TOLERANCE_S = 120           # plugin clock vs mock clock, rounding, slow machines
COUNT_LABELS = ("certificates", "ok", "warning", "critical", "unknown")
RUN_T = "10"                # -t for every run
RUN_TIMEOUT = 25            # the harness kills a run after this


# ------------------------------------------------------------------ helpers


def creds(secret=SECRET, key=KEY):
    return ["-a", key, "--secret-key-file", harness.secret_file(secret)]


def argv_for(m, *args, secret=SECRET, key=KEY):
    return ["-u", m.url] + creds(secret, key) + ["-t", RUN_T] + [str(a) for a in args]


def run(m, *args, secret=SECRET, key=KEY, env=None, timeout=RUN_TIMEOUT):
    return run_plugin(argv_for(m, *args, secret=secret, key=key), env=env, timeout=timeout)


STATE_OF_EXIT = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}


def expect(r, code, state=None):
    """Exit code and status line state; returns the parsed output."""
    state = state or STATE_OF_EXIT[code]
    check(not r.timed_out, "plugin did not finish within the run timeout")
    out = parse_output(r.stdout)
    check(r.code == code, "exit code %s, expected %s" % (r.code, code))
    check(out.state == state, "status line %r does not start with 'NCP_CERTS %s - '"
          % (out.first, state))
    return out


def expect_exit(r, code):
    check(not r.timed_out, "plugin did not finish within the run timeout")
    check(r.code == code, "exit code %s, expected %s" % (r.code, code))


def counts(out, **want):
    for label, n in want.items():
        check(label in out.perf, "perfdata %r missing in %r" % (label, out.perf_text[:300]))
        check(out.perf[label]["value"] == n, "perfdata %s=%s, expected %s"
              % (label, out.perf[label]["value"], n))


def cert_labels(out):
    """The per-certificate perfdata labels."""
    return sorted(k for k in out.perf if k not in COUNT_LABELS and k != "min_left")


def mentions(text, *patterns):
    for p in patterns:
        check(re.search(p, text, re.I), "output does not match /%s/: %r" % (p, text[:400]))


def lines_naming(out, name, prefix=None):
    return [l for l in out.long if name in l and (prefix is None or l.startswith(prefix))]


def api_requests(m):
    return [e for e in m.requests() if e["path"] == ncp_mock.API_PATH]


def acct(*certs, order_base=600000):
    """One order per certificate."""
    return gen.account([(order_base + i, [c]) for i, c in enumerate(certs)])


def c(no, name, status=1, days=None, **kw):
    return gen.cert(no, name, status, days, **kw)


def restart_on(port, **kw):
    """A new mock on a port a stopped one used: same endpoint URL."""
    extra = list(kw.pop("extra", [])) + ["--port", str(port)]
    last = None
    for _ in range(20):
        try:
            return Mock(extra=extra, **kw).__enter__()
        except RuntimeError as e:  # the port may linger for a moment
            last = e
            time.sleep(0.1)
    raise last


# ------------------------------------------------------------------ selection

SEL_CERTS = [
    c(401, "api-prod", 1, 5, common_name="api.example.com",
      dns=["api.example.com", "api-alias.other.org"], ov=True),
    c(402, "api-stage", 1, 20, common_name="stage.example.com",
      dns=["stage.example.com"], type_key="certificateTypeCode"),
    c(403, "web-prod", 1, 200, common_name="www.example.net",
      dns=["www.example.net", "example.net"], ov=True, type_key="certificateTypeCode"),
    c(404, "DB-Internal", 1, 100, common_name="db.corp.example",
      dns=["db.corp.example"]),
]
# api-prod CRITICAL (5 d), api-stage WARNING (20 d), web-prod OK, DB-Internal OK


def selected(m, *args, code=None):
    """Run with -v; the per-certificate perfdata labels of the selection."""
    r = run(m, "-v", *args)
    out = expect(r, code) if code is not None else parse_output(r.stdout)
    check(r.code in (0, 1, 2), "selection run exit %s" % r.code)
    return out, cert_labels(out)


@tap.test("selection: -n is an extended, case-insensitive regex; repeated -n is OR")
def _():
    with Mock(account=acct(*SEL_CERTS)) as m:
        out, names = selected(m, "-n", "^API-", code=2)
        check(names == ["api-prod", "api-stage"], "-n '^API-' selected %r" % names)
        counts(out, certificates=2, critical=1, warning=1, ok=0)
        out, names = selected(m, "-n", "^db-(internal|external)$", code=0)
        check(names == ["DB-Internal"], "-n with ERE alternation selected %r" % names)
        out, names = selected(m, "-n", "stage", "-n", "^web", code=1)
        check(names == ["api-stage", "web-prod"], "-n stage -n ^web selected %r" % names)
        counts(out, certificates=2)
        out, names = selected(m, "--name", "prod$", code=2)
        check(names == ["api-prod", "web-prod"], "--name prod$ selected %r" % names)


@tap.test("selection: -d matches commonName or any dnsName; repeated -d is OR")
def _():
    with Mock(account=acct(*SEL_CERTS)) as m:
        out, names = selected(m, "-d", r"alias\.other\.org$", code=2)
        check(names == ["api-prod"], "-d on a second dnsName selected %r" % names)
        out, names = selected(m, "-d", r"^example\.net$", code=0)
        check(names == ["web-prod"], "-d on a dnsName that is not the CN selected %r" % names)
        out, names = selected(m, "-d", r"^db\.", "-d", r"^stage\.", code=1)
        check(names == ["DB-Internal", "api-stage"], "-d ^db. -d ^stage. selected %r" % names)
        out, names = selected(m, "--domain", r"\.example\.com$", code=2)
        check(names == ["api-prod", "api-stage"], "--domain .example.com$ selected %r" % names)


@tap.test("selection: -N picks certificate numbers (repeatable)")
def _():
    with Mock(account=acct(*SEL_CERTS)) as m:
        out, names = selected(m, "-N", "403", code=0)
        check(names == ["web-prod"], "-N 403 selected %r" % names)
        counts(out, certificates=1, ok=1)
        out, names = selected(m, "-N", "402", "--certificate-no", "404", code=1)
        check(names == ["DB-Internal", "api-stage"], "-N 402 -N 404 selected %r" % names)


@tap.test("selection: -x drops by name, commonName or dnsName (repeatable)")
def _():
    with Mock(account=acct(*SEL_CERTS)) as m:
        out, names = selected(m, "-x", "^api-prod$", code=1)
        check(names == ["DB-Internal", "api-stage", "web-prod"], "-x by name left %r" % names)
        out, names = selected(m, "-x", r"^stage\.example\.com$", code=2)
        check("api-stage" not in names and len(names) == 3, "-x by commonName left %r" % names)
        out, names = selected(m, "-x", r"alias\.other\.org", code=1)
        check("api-prod" not in names and len(names) == 3, "-x by dnsName left %r" % names)
        out, names = selected(m, "-x", "^api-", "--exclude", "corp", code=0)
        check(names == ["web-prod"], "-x ^api- -x corp left %r" % names)


@tap.test("selection: --type dv|ov (certificateType and certificateTypeCode)")
def _():
    with Mock(account=acct(*SEL_CERTS)) as m:
        out, names = selected(m, "--type", "ov", code=2)
        check(names == ["api-prod", "web-prod"], "--type ov selected %r" % names)
        out, names = selected(m, "--type", "dv", code=1)
        check(names == ["DB-Internal", "api-stage"], "--type dv selected %r" % names)


@tap.test("selection: different kinds combine with AND")
def _():
    with Mock(account=acct(*SEL_CERTS)) as m:
        out, names = selected(m, "-n", "prod", "--type", "ov", "-x", "^web", code=2)
        check(names == ["api-prod"], "-n prod --type ov -x ^web selected %r" % names)
        out, names = selected(m, "-d", "example", "-N", "402", "-N", "403", code=1)
        check(names == ["api-stage", "web-prod"], "-d example -N 402 -N 403 selected %r" % names)
        out, names = selected(m, "-n", "api", "--type", "dv", code=1)
        check(names == ["api-stage"], "-n api --type dv selected %r" % names)


@tap.test("selection: nothing matched -> UNKNOWN 'no certificate matched' naming the filters")
def _():
    with Mock(account=acct(*SEL_CERTS)) as m:
        r = run(m, "-n", "no-such-cert")
        out = expect(r, 3)
        mentions(out.first, r"no certificate matched", r"no-such-cert")
        r = run(m, "-n", "^web", "--type", "dv")
        out = expect(r, 3)
        mentions(out.first, r"no certificate matched", r"\^web", r"dv")
        r = run(m, "-N", "999999")
        out = expect(r, 3)
        mentions(out.first, r"no certificate matched", r"999999")
        r = run(m, "-x", ".")
        out = expect(r, 3)
        mentions(out.first, r"no certificate matched")


@tap.test("selection: a bad regex is a usage error (exit 3), no request sent")
def _():
    with Mock(account=acct(*SEL_CERTS)) as m:
        for opt, pat in (("-n", "("), ("-d", "[a-"), ("-x", "(unclosed"), ("--name", "a{2,1}")):
            r = run(m, opt, pat)
            expect_exit(r, 3)
            mentions(r.stdout, r"regular expression|regex|invalid")
        check(api_requests(m) == [], "requests were sent: %d" % len(api_requests(m)))


# ------------------------------------------------------------------ renewals

OLD_NO, NEW_NO = 510001, 510002
OLD_DNS = ["shop.example.com", "www.shop.example.com"]


def old_cert(**extra):
    return c(OLD_NO, "shop-2025", 1, 5, common_name="shop.example.com", dns=OLD_DNS,
             extra=extra or None)


def renewal(status=1, days=365, dns=None, cn="Shop.EXAMPLE.com", name="shop-2026"):
    return c(NEW_NO, name, status, days, common_name=cn,
             dns=dns if dns is not None else ["WWW.shop.example.com", "shop.example.com",
                                              "m.shop.example.com"])


@tap.test("renewal: superseded old cert left out by default (OK, counts 1 ok), -v shows it")
def _():
    with Mock(account=acct(old_cert(), renewal())) as m:
        out = expect(run(m), 0)
        counts(out, certificates=1, ok=1, warning=0, critical=0, unknown=0)
        check("shop-2025" not in out.perf, "superseded cert in perfdata: %r" % out.perf_text)
        check(not lines_naming(out, "shop-2025"), "superseded cert shown without -v: %r" % out.long)
        out = expect(run(m, "-v"), 0)
        counts(out, certificates=1, ok=1)
        sup = out.long_with("[SUPERSEDED] ")
        check(len(sup) == 1, "one [SUPERSEDED] line with -v, got %r" % out.long)
        check("shop-2025" in sup[0] and "by shop-2026 (#%d)" % NEW_NO in sup[0],
              "[SUPERSEDED] line %r lacks the name and 'by shop-2026 (#%d)'" % (sup[0], NEW_NO))


@tap.test("renewal: --include-superseded and -N <old> judge the old cert (CRITICAL)")
def _():
    with Mock(account=acct(old_cert(), renewal())) as m:
        out = expect(run(m, "--include-superseded"), 2)
        counts(out, certificates=2, ok=1, critical=1)
        check(lines_naming(out, "shop-2025", "[CRITICAL] "), "[CRITICAL] line for the old cert")
        out = expect(run(m, "-N", str(OLD_NO)), 2)
        counts(out, certificates=1, critical=1)
        check(lines_naming(out, "shop-2025", "[CRITICAL] "), "[CRITICAL] line for the old cert")
        # a number filter that names only the renewal does not pull the old one in
        out = expect(run(m, "-N", str(NEW_NO)), 0)
        counts(out, certificates=1, ok=1)


@tap.test("renewal: decided over the whole account, before selection (-n old name -> OK)")
def _():
    other = c(520001, "unrelated", 1, 100, common_name="other.example.org")
    with Mock(account=acct(old_cert(), renewal(), other)) as m:
        r = run(m, "-n", "^shop-2025$")
        out = expect(r, 0)
        check(not re.search(r"no certificate matched", out.first), "UNKNOWN-style text: %r"
              % out.first)
        counts(out, critical=0)
        check("shop-2025" not in out.perf, "superseded cert judged: %r" % out.perf_text)
        out = expect(run(m, "-n", "^shop-2025$", "-v"), 0)
        check(out.long_with("[SUPERSEDED] "), "-v shows the superseded cert: %r" % out.long)
        # excluding the renewal still leaves the old one superseded
        out = expect(run(m, "-x", "^shop-2026$"), 0)
        counts(out, certificates=1, ok=1, critical=0)


@tap.test("renewal: names compare case-insensitively; NORMAL_* renewals count too")
def _():
    old = c(OLD_NO, "shop-2025", 1, 5, common_name="SHOP.example.COM",
            dns=["Shop.Example.Com", "WWW.SHOP.EXAMPLE.COM"])
    for status in (1, 2, 3):
        with Mock(account=acct(old, renewal(status=status, cn="shop.example.com",
                                            dns=["shop.example.com", "www.shop.example.com"]))) as m:
            out = expect(run(m), 0)
            counts(out, certificates=1, ok=1, critical=0)


@tap.test("renewal: still attached (usedInstanceNoList) -> judged, CRITICAL, names the instance")
def _():
    for used in ([12345], ["12345"]):
        with Mock(account=acct(old_cert(usedInstanceNoList=used), renewal())) as m:
            out = expect(run(m), 2)
            counts(out, certificates=2, ok=1, critical=1)
            lines = lines_naming(out, "shop-2025", "[CRITICAL] ")
            check(len(lines) == 1, "[CRITICAL] line for the old cert: %r" % out.long)
            mentions(lines[0], r"supersed", r"still used by instance", r"\b12345\b")
            check(not out.long_with("[SUPERSEDED] "), "also listed as left out: %r" % out.long)
    # an empty list means no longer attached: left out as usual
    with Mock(account=acct(old_cert(usedInstanceNoList=[]), renewal())) as m:
        out = expect(run(m), 0)
        counts(out, certificates=1, ok=1)


@tap.test("renewal: not superseded when the renewal lacks a dnsName, is revoked or ends no later")
def _():
    cases = [
        ("lacks www.shop.example.com", [renewal(dns=["shop.example.com", "m.shop.example.com"])],
         dict(certificates=2, ok=1, critical=1)),
        ("renewal REVOKE", [renewal(status=-5)], dict(certificates=2, critical=2)),
        ("renewal VALIDATION_FAILED", [renewal(status=-3)], dict(certificates=2, critical=2)),
        ("renewal ends earlier", [renewal(days=3)], dict(certificates=2, critical=2)),
        ("other commonName", [renewal(cn="www.shop.example.com")],
         dict(certificates=2, ok=1, critical=1)),
    ]
    same = ncp_mock.render_date(time.time() + 5 * DAY)
    cases.append(("renewal ends at the same second",
                  [c(OLD_NO, "shop-2025", 1, None, common_name="shop.example.com", dns=OLD_DNS,
                     extra={"notAfter": same}),
                   c(NEW_NO, "shop-2026", 1, None, common_name="shop.example.com",
                     dns=OLD_DNS + ["m.shop.example.com"], extra={"notAfter": same})],
                  dict(certificates=2, critical=2)))
    for what, others, want in cases:
        certs = others if others[0]["certificateNo"] == OLD_NO else [old_cert()] + others
        with Mock(account=acct(*certs)) as m:
            r = run(m, "-v")
            out = parse_output(r.stdout)
            check(r.code == 2, "%s: exit %s, expected 2 (old cert judged)" % (what, r.code))
            counts(out, **want)
            check(lines_naming(out, "shop-2025", "[CRITICAL] "),
                  "%s: no [CRITICAL] line for the old cert: %r" % (what, out.long))
            check(not out.long_with("[SUPERSEDED] "),
                  "%s: wrongly superseded: %r" % (what, out.long_with("[SUPERSEDED] ")))


# ------------------------------------------------------------------ status policy

POLICY_CERTS = [
    c(610001, "healthy", 1, 200),
    c(610002, "revoked-one", -5, 100, status_name="Revoke"),
    c(610003, "lint-failed", -11, None, status_name="FAILED (LINT)"),
    c(610004, "revoke-requested", -7, 90),
    c(610005, "keyless", 2, 150),
]
# defaults: healthy OK, revoked CRITICAL, lint CRITICAL, revoke-requested WARNING, keyless OK


@tap.test("status policy: defaults, then --status-state by name and by code")
def _():
    with Mock(account=acct(*POLICY_CERTS)) as m:
        out = expect(run(m), 2)
        counts(out, certificates=5, ok=2, warning=1, critical=2, unknown=0)
        out = expect(run(m, "--status-state", "REVOKE=warning", "--status-state", "-11=ok"), 1)
        counts(out, certificates=5, ok=3, warning=2, critical=0)
        check(lines_naming(out, "revoked-one", "[WARNING] "), "revoked cert WARNING: %r" % out.long)
        out = expect(run(m, "--status-state", "-5=ok", "--status-state", "FAILED_LINT=unknown",
                         "--status-state", "REQUEST_REVOKE=critical"), 2)
        counts(out, certificates=5, ok=3, warning=0, critical=1, unknown=1)
        check(lines_naming(out, "lint-failed", "[UNKNOWN] "), "lint UNKNOWN: %r" % out.long)
        check(lines_naming(out, "revoke-requested", "[CRITICAL] "), "-7 CRITICAL: %r" % out.long)
        out = expect(run(m, "--status-state", "NORMAL_UNREGISTERED_PRIVATE_KEY=warning",
                         "--status-state", "REVOKE=ok", "--status-state", "FAILED_LINT=ok",
                         "--status-state", "-7=ok"), 1)
        counts(out, certificates=5, ok=4, warning=1)
        check(lines_naming(out, "keyless", "[WARNING] "), "status 2 WARNING: %r" % out.long)
    # a code the plugin does not know can be given a state by number
    weird = acct(c(620001, "healthy", 1, 200), c(620002, "new-status", -99, 100,
                                                  status_name="SOMETHING_NEW"))
    with Mock(account=weird) as m:
        out = expect(run(m), 3)
        counts(out, certificates=2, ok=1, unknown=1)
        out = expect(run(m, "--status-state", "-99=ok"), 0)
        counts(out, certificates=2, ok=2, unknown=0)
        out = expect(run(m, "--status-state", "-99=ignore"), 0)
        counts(out, certificates=1, ok=1, unknown=0)


@tap.test("status policy: ignore leaves the certificate out of state and counts")
def _():
    with Mock(account=acct(*POLICY_CERTS)) as m:
        out = expect(run(m, "--status-state", "REVOKE=ignore", "--status-state", "-11=ignore",
                         "--status-state", "REQUEST_REVOKE=ignore"), 0)
        counts(out, certificates=2, ok=2, warning=0, critical=0, unknown=0)
        for name in ("revoked-one", "lint-failed", "revoke-requested"):
            check(not lines_naming(out, name, "[") and name not in out.perf,
                  "ignored %s still shown/counted" % name)


@tap.test("status policy: unknown status name or bad state -> usage error listing names")
def _():
    with Mock(account=acct(*POLICY_CERTS)) as m:
        r = run(m, "--status-state", "NO_SUCH_STATUS=ok")
        expect_exit(r, 3)
        mentions(r.stdout, r"NO_SUCH_STATUS", r"\bREVOKE\b", r"\bFAILED_LINT\b",
                 r"\bNORMAL_UNREGISTERED_PRIVATE_KEY\b")
        r = run(m, "--status-state", "REVOKE=purple")
        expect_exit(r, 3)
        r = run(m, "--status-state", "REVOKE")
        expect_exit(r, 3)
        check(api_requests(m) == [], "requests were sent: %d" % len(api_requests(m)))


# ------------------------------------------------------------------ shared cache


def cache_path(stem="certs.cache"):
    d = os.path.join(harness.tmpdir(), "cache-%d-%s" % (time.monotonic_ns(), stem))
    os.makedirs(d, mode=0o700)
    return os.path.join(d, stem)


def paged_account(n=25, seed=5):
    return gen.size_account(n, seed=seed, per_order=1, healthy=True)


def warn_account():
    return acct(c(700001, "cache-warn", 1, 20), c(700002, "cache-ok", 1, 200))


@tap.test("cache: a second run within --cache-max-age sends no request, same answer")
def _():
    path = cache_path()
    with Mock(account=paged_account()) as m:
        r1 = run(m, "--page-size", "10", "--cache-file", path)
        out1 = expect(r1, 0)
        counts(out1, certificates=25)
        n1 = len(api_requests(m))
        check(n1 == 3, "first run: %d requests, expected 3 pages" % n1)
        check(os.path.exists(path), "no cache file written")
        r2 = run(m, "--page-size", "10", "--cache-file", path, "--cache-max-age", "600")
        out2 = expect(r2, 0)
        counts(out2, certificates=25)
        check(len(api_requests(m)) == n1, "second run sent %d request(s)"
              % (len(api_requests(m)) - n1))
        check(out2.summary == out1.summary, "answers differ: %r vs %r" % (out1.summary,
                                                                          out2.summary))


@tap.test("cache: -vv says the answer came from the cache and how old it is")
def _():
    path = cache_path()
    with Mock(account=warn_account()) as m:
        r = run(m, "-vv", "--cache-file", path)
        expect(r, 1)
        r = run(m, "-vv", "--cache-file", path)
        expect(r, 1)
        check(len(api_requests(m)) == 1, "%d requests" % len(api_requests(m)))
        hits = [l for l in r.stdout.splitlines() if re.search(r"cache", l, re.I)]
        check(hits, "-vv output does not mention the cache: %r" % r.stdout[-600:])
        check(any(re.search(r"\b\d+\s*(s|sec|second)", l) for l in hits),
              "-vv cache line does not give an age: %r" % hits)


@tap.test("cache: --cache-max-age 0 always fetches")
def _():
    path = cache_path()
    with Mock(account=warn_account()) as m:
        expect(run(m, "--cache-file", path, "--cache-max-age", "0"), 1)
        expect(run(m, "--cache-file", path, "--cache-max-age", "0"), 1)
        expect(run(m, "--cache-file", path, "--cache-max-age", "0"), 1)
        check(len(api_requests(m)) == 3, "3 runs with --cache-max-age 0 sent %d request(s)"
              % len(api_requests(m)))


@tap.test("cache: an answer older than --cache-max-age is fetched again")
def _():
    path = cache_path()
    with Mock(account=warn_account()) as m:
        expect(run(m, "--cache-file", path), 1)
        time.sleep(2.1)
        expect(run(m, "--cache-file", path, "--cache-max-age", "1"), 1)
        check(len(api_requests(m)) == 2, "%d requests, expected 2" % len(api_requests(m)))


@tap.test("cache: 20 concurrent runs on a cold cache fetch the account once between them")
def _():
    acc = paged_account(25, seed=8)
    path = cache_path()
    with Mock(account=acc, scenario="slow:0.4") as m:
        # what one run alone sends
        alone = run(m, "--page-size", "10", timeout=40)
        want = expect(alone, 0)
        counts(want, certificates=25, ok=25)
        baseline = len(api_requests(m))
        check(baseline == 3, "one run alone: %d requests, expected 3" % baseline)
        procs = []
        t0 = time.monotonic()
        for _ in range(20):
            argv = [harness.plugin_path()] + argv_for(m, "--page-size", "10", "--cache-file", path)
            procs.append(subprocess.Popen(argv, env=harness.clean_env(), stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        results = []
        for p in procs:
            try:
                so, se = p.communicate(timeout=RUN_TIMEOUT + 15)
            except subprocess.TimeoutExpired:
                p.kill()
                so, se = p.communicate()
                results.append((None, so.decode("utf-8", "replace"), se.decode("utf-8", "replace")))
                continue
            results.append((p.returncode, so.decode("utf-8", "replace"), se.decode("utf-8", "replace")))
        elapsed = time.monotonic() - t0
        log = api_requests(m)[baseline:]
        harness.diag("20 concurrent runs: %.2f s, %d request(s) (one run alone: %d)"
                     % (elapsed, len(log), baseline))
        for i, (code, so, se) in enumerate(results):
            check(code == 0, "run %d: exit %s: %r %r" % (i, code, so[:300], se[:300]))
            out = parse_output(so)
            counts(out, certificates=25, ok=25, warning=0, critical=0, unknown=0)
            check(out.summary == want.summary, "run %d summary %r, alone %r"
                  % (i, out.summary, want.summary))
            check(out.long == want.long, "run %d long output differs" % i)
            check(sorted(out.perf) == sorted(want.perf), "run %d perfdata labels differ" % i)
            for label, item in out.perf.items():
                check(abs(item["value"] - want.perf[label]["value"]) <= 5,
                      "run %d: %s=%s, alone %s" % (i, label, item["value"],
                                                   want.perf[label]["value"]))
        check(len(log) <= baseline, "20 concurrent runs sent %d requests, one run alone %d "
              "(pages %r)" % (len(log), baseline, [e["page"] for e in log]))


@tap.test("cache: keyed by endpoint and access key (two accounts, one cache file)")
def _():
    path = cache_path()
    acc_a = warn_account()
    acc_b = acct(c(710001, "account-b-critical", 1, 3), c(710002, "account-b-ok", 1, 300))
    with Mock(account=acc_a) as a, Mock(account=acc_b, access_key=OTHER_KEY,
                                         secret=OTHER_SECRET) as b:
        for _ in range(2):
            out = expect(run(a, "--cache-file", path), 1)
            check("cache-warn" in out.perf and "account-b-critical" not in out.perf,
                  "account A got %r" % out.perf_text)
            out = expect(run(b, "--cache-file", path, key=OTHER_KEY, secret=OTHER_SECRET), 2)
            check("account-b-critical" in out.perf and "cache-warn" not in out.perf,
                  "account B got %r" % out.perf_text)
        check(len(api_requests(a)) >= 1 and len(api_requests(b)) >= 1, "both mocks asked")
    # same access key, another endpoint: never the other endpoint's answer
    path = cache_path()
    with Mock(account=acc_a) as a, Mock(account=acc_b) as b:
        out = expect(run(a, "--cache-file", path), 1)
        check("cache-warn" in out.perf, "endpoint A got %r" % out.perf_text)
        out = expect(run(b, "--cache-file", path), 2)
        check("account-b-critical" in out.perf, "endpoint B got %r" % out.perf_text)
        check(len(api_requests(b)) == 1, "endpoint B: %d requests" % len(api_requests(b)))
    # same endpoint (same port), another access key: never the first key's answer
    path = cache_path()
    with Mock(account=acc_a) as a:
        port = a.port
        out = expect(run(a, "--cache-file", path), 1)
    b = restart_on(port, account=acc_b, access_key=OTHER_KEY, secret=OTHER_SECRET)
    try:
        check(b.url.endswith(":%d" % port), "restarted on another port")
        out = expect(run(b, "--cache-file", path, key=OTHER_KEY, secret=OTHER_SECRET), 2)
        check("account-b-critical" in out.perf, "other key got %r" % out.perf_text)
        check(len(api_requests(b)) == 1, "other key: %d requests" % len(api_requests(b)))
    finally:
        b.__exit__(None, None, None)


@tap.test("cache: file is mode 0600, never holds the secret, no temp files left")
def _():
    secret = "cache-SECRET-Kx81Qz-never-stored"
    d = os.path.dirname(cache_path())
    path = os.path.join(d, "shared.cache")
    with open(path, "w") as fh:
        fh.write("old junk\n")
    os.chmod(path, 0o644)
    with Mock(account=paged_account(12), secret=secret) as m:
        expect(run(m, "--page-size", "5", "--cache-file", path, secret=secret), 0)
        check(len(api_requests(m)) == 3, "%d requests" % len(api_requests(m)))
    st = os.stat(path)
    check(stat.S_ISREG(st.st_mode), "cache is not a regular file")
    check(stat.S_IMODE(st.st_mode) == 0o600, "cache mode %o, expected 600"
          % stat.S_IMODE(st.st_mode))
    data = open(path, "rb").read()
    check(secret.encode() not in data and b"Kx81Qz" not in data, "the secret is in the cache")
    if KEY.encode() in data:
        harness.diag("note: the access key is stored in the cache file in clear")
    left = sorted(f for f in os.listdir(d) if f not in ("shared.cache", "shared.cache.lock"))
    check(not left, "files left next to the cache: %r" % left)


@tap.test("cache: written with umask 000 the file is still 0600")
def _():
    path = cache_path()
    with Mock(account=warn_account()) as m:
        argv = [harness.plugin_path()] + argv_for(m, "--cache-file", path)
        p = subprocess.run(["/bin/sh", "-c", 'umask 000; exec "$@"', "sh"] + argv,
                           env=harness.clean_env(), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
        check(p.returncode == 1, "exit %s: %r" % (p.returncode, p.stdout[:300]))
    mode = stat.S_IMODE(os.stat(path).st_mode)
    check(mode == 0o600, "cache mode %o with umask 000, expected 600" % mode)


def _flip_meaning(data):
    """Change the cached answer so that trusting it would change the result."""
    for a, b in ((b'"NORMAL"', b'"REVOKE"'), (b'"statusCode":"1"', b'"statusCode":"5"'),
                 (b"cache-ok", b"cache-OK")):
        if a in data:
            return data.replace(a, b, 1)
    mid = len(data) // 2
    return data[:mid] + bytes([data[mid] ^ 0x20]) + data[mid + 1:]


CORRUPTIONS = [
    ("garbage", lambda d: bytes((i * 37 + 11) % 256 for i in range(700))),
    ("empty", lambda d: b""),
    ("truncated to half", lambda d: d[: len(d) // 2]),
    ("last byte cut", lambda d: d[:-1]),
    ("one byte flipped", lambda d: d[: len(d) // 2] + bytes([d[len(d) // 2] ^ 0x01])
     + d[len(d) // 2 + 1:]),
    ("content altered", _flip_meaning),
    ("foreign: an API answer", lambda d: json.dumps(
        ncp_mock.render_account(acct(c(1, "foreign", 1, 3)))).encode()),
    ("foreign: text file", lambda d: b"[DEFAULT]\nsomething = else\n" * 20),
    ("appended junk", lambda d: d + b"page 5\nhello\n"),
]


@tap.test("cache: corrupt, truncated or foreign file is ignored and replaced")
def _():
    with Mock(account=warn_account()) as m:
        path = cache_path()
        expect(run(m, "--cache-file", path), 1)
        good = open(path, "rb").read()
        check(len(good) > 0, "empty cache file after a good run")
        for what, damage in CORRUPTIONS:
            bad = damage(good)
            with open(path, "wb") as fh:
                fh.write(bad)
            before = len(api_requests(m))
            r = run(m, "--cache-file", path, "--cache-max-age", "3600")
            check(r.code is not None and r.code >= 0, "%s: crashed (exit %s)" % (what, r.code))
            out = expect(r, 1)
            counts(out, certificates=2, ok=1, warning=1, critical=0, unknown=0)
            check("cache-warn" in out.perf and "cache-ok" in out.perf,
                  "%s: wrong certificates %r" % (what, out.perf_text))
            check(len(api_requests(m)) == before + 1, "%s: answer not fetched from the API (%d "
                  "requests)" % (what, len(api_requests(m)) - before))
            check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, "%s: mode afterwards" % what)
            # valid again: the next run is answered from it
            r = run(m, "--cache-file", path, "--cache-max-age", "3600")
            out = expect(r, 1)
            counts(out, certificates=2, ok=1, warning=1)
            check(len(api_requests(m)) == before + 1, "%s: cache not valid afterwards" % what)


@tap.test("cache: --cache-stale-max uses an old answer when the API fails, and says so")
def _():
    path = cache_path()
    # the first API request answers, every later one is a 503
    with Mock(account=warn_account(), scenario="sequence:200/503") as m:
        out = expect(run(m, "--cache-file", path), 1)
        time.sleep(1.1)   # older than --cache-max-age 0 for sure
        # without --cache-stale-max: the API failure is UNKNOWN
        r = run(m, "--cache-file", path, "--cache-max-age", "0", "--retries", "0")
        out = expect(r, 3)
        mentions(out.first, r"\b503\b")
        # with it: the cached answer, and the first line says so
        r = run(m, "--cache-file", path, "--cache-max-age", "0", "--cache-stale-max", "3600",
                "--retries", "0")
        out = expect(r, 1)
        counts(out, certificates=2, ok=1, warning=1)
        mentions(out.summary, r"cache", r"\b503\b|API|fail")
        check(len(api_requests(m)) == 3, "%d requests, expected 3" % len(api_requests(m)))
        # a stale-max shorter than the answer's age: UNKNOWN again
        time.sleep(1.0)
        r = run(m, "--cache-file", path, "--cache-max-age", "0", "--cache-stale-max", "1",
                "--retries", "0")
        expect(r, 3)


@tap.test("cache: stale answer after a restart of the API as a 503 (same endpoint)")
def _():
    path = cache_path()
    with Mock(account=warn_account()) as m:
        port = m.port
        expect(run(m, "--cache-file", path), 1)
    time.sleep(1.1)
    m = restart_on(port, scenario="status:503")
    try:
        r = run(m, "--cache-file", path, "--cache-max-age", "0", "--cache-stale-max", "600",
                "--retries", "0")
        out = expect(r, 1)
        mentions(out.summary, r"cache", r"\b503\b|API|fail")
        r = run(m, "--cache-file", path, "--cache-max-age", "0", "--retries", "0")
        expect(r, 3)
    finally:
        m.__exit__(None, None, None)


# ------------------------------------------------------------------ --list


def display_width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else
               0 if unicodedata.combining(ch) else 1 for ch in s)


def display_cells(line):
    """The line as a list of display columns: each holds its character, a
    wide character's second column holds None."""
    cells = []
    for ch in line:
        cells.append(ch)
        if display_width(ch) == 2:
            cells.append(None)
    return cells


HEADINGS = ["NAME", "NUMBER", "TYPE", "COMMON NAME", "STATUS", "NOT AFTER", "DAYS LEFT", "STATE"]


def parse_table(text):
    """(starts, rows): header column starts (display columns) and each row cut
    at them into stripped cells; checks that nothing straddles a boundary."""
    lines = [l for l in text.splitlines() if l.strip()]
    check(lines, "empty --list output")
    head = lines[0]
    starts = []
    for h in HEADINGS:
        i = head.find(h, starts[-1] + 1 if starts else 0)
        check(i >= 0, "heading %r missing in %r" % (h, head))
        starts.append(display_width(head[:i]))
    rows = []
    for line in lines[1:]:
        cells = display_cells(line)
        row = []
        for k, s in enumerate(starts):
            e = starts[k + 1] if k + 1 < len(starts) else len(cells)
            check(s < len(cells) or k == len(starts) - 1,
                  "row %r is shorter than the header" % line)
            seg = cells[s:e]
            check(not seg or seg[0] is not None,
                  "a wide character straddles column %s in %r" % (HEADINGS[k], line))
            if k > 0:
                check(s - 1 < len(cells) and cells[s - 1] == " ",
                      "column %s does not start after a blank at display column %d in %r"
                      % (HEADINGS[k], s, line))
            row.append("".join(ch for ch in seg if ch is not None).strip())
        rows.append(row)
    return head, starts, rows, lines


LIST_CERTS = [
    c(800001, "\ud55c\uad6d-\uc778\uc99d\uc11c", 1, 20, ov=True),              # 한국-인증서
    c(800002, "short", 1, 200),
    c(800003, "\uc1fc\ud551\ubab0-\uba54\uc778-\uc778\uc99d\uc11c", 1, 3,     # 쇼핑몰-메인-인증서
      common_name="shop.example.kr"),
    c(800004, "a-rather-long-ascii-certificate-name", 2, 45, type_key="certificateTypeCode"),
    c(800005, "pending", 0, None, status_name="Ongoing"),
    c(800006, "expired-one", 1, -2, common_name="\uc608\uc81c.\ud55c\uad6d"),  # 예제.한국
    c(800007, "validation", -3, None),
]
LIST_DAYS = {"short": 200, "a-rather-long-ascii-certificate-name": 45, "expired-one": -2,
             "\ud55c\uad6d-\uc778\uc99d\uc11c": 20,
             "\uc1fc\ud551\ubab0-\uba54\uc778-\uc778\uc99d\uc11c": 3}


@tap.test("--list: a table sorted by days left, undated last, exit code still the state")
def _():
    with Mock(account=acct(*LIST_CERTS)) as m:
        r = run(m, "--list")
        expect_exit(r, 2)
        check(not r.stdout.startswith("NCP_CERTS "), "plugin output instead of a table")
        head, starts, rows, lines = parse_table(r.stdout)
        check(len(rows) == len(LIST_CERTS), "%d rows, expected %d:\n%s"
              % (len(rows), len(LIST_CERTS), r.stdout))
        by_name = {row[0]: row for row in rows}
        for cert in LIST_CERTS:
            name = cert["certificateName"]
            check(name in by_name, "no row for %r in\n%s" % (name, r.stdout))
            row = by_name[name]
            check(row[1] == str(cert["certificateNo"]), "%s: NUMBER %r" % (name, row[1]))
            check(row[2] == ("OV" if cert.get("certificateType", cert.get(
                "certificateTypeCode")) == "NCP_PAID_OV_01" else "DV"), "%s: TYPE %r"
                  % (name, row[2]))
            check(row[3] == cert["commonName"], "%s: COMMON NAME %r" % (name, row[3]))
            check(row[4].upper().startswith(gen.STATUS[int(cert["statusCode"])]),
                  "%s: STATUS %r" % (name, row[4]))
            if name in LIST_DAYS:
                check(re.match(r"^-?\d+(\.\d+)?$", row[6]) and
                      abs(float(row[6]) - LIST_DAYS[name]) <= 0.15,
                      "%s: DAYS LEFT %r, expected %s" % (name, row[6], LIST_DAYS[name]))
                check(re.search(r"\d{4}-\d\d-\d\d", row[5]), "%s: NOT AFTER %r" % (name, row[5]))
        states = {row[0]: row[7] for row in rows}
        check(states["short"] == "OK" and states["expired-one"] == "CRITICAL" and
              states["\ud55c\uad6d-\uc778\uc99d\uc11c"] == "WARNING" and
              states["validation"] == "CRITICAL", "STATE column %r" % states)
        order = [row[0] for row in rows]
        dated = [n for n in order if n in LIST_DAYS]
        check(order[:len(dated)] == dated, "undated rows before dated ones: %r" % order)
        check(dated == sorted(dated, key=lambda n: LIST_DAYS[n]),
              "not sorted by days left: %r" % order)
        check(set(order[len(dated):]) == {"pending", "validation"}, "undated last: %r" % order)
        # selection applies to the table too
        r = run(m, "--list", "-n", "^short$")
        expect_exit(r, 0)
        head, starts, rows, lines = parse_table(r.stdout)
        check([row[0] for row in rows] == ["short"], "--list -n ^short$ rows %r" % rows)


@tap.test("--list: columns line up with Korean (East Asian wide) names")
def _():
    with Mock(account=acct(*LIST_CERTS)) as m:
        r = run(m, "--list")
        expect_exit(r, 2)
        head, starts, rows, lines = parse_table(r.stdout)
        # each column: left-aligned cells start where the heading starts,
        # right-aligned ones end where it ends; the same way on every row
        for k, h in enumerate(HEADINGS):
            s, h_end = starts[k], starts[k] + len(h)
            left = right = True
            for line in lines[1:]:
                cells = display_cells(line)
                e = starts[k + 1] if k + 1 < len(starts) else len(cells)
                if not "".join(ch or "" for ch in cells[s:e]).strip():
                    continue
                if s >= len(cells) or cells[s] == " ":
                    left = False
                if h_end > len(cells) or cells[h_end - 1] == " " or \
                        (h_end < len(cells) and cells[h_end] != " "):
                    right = False
            check(left or right, "column %s: cells neither start at display column %d nor "
                  "end at %d:\n%s" % (h, s, h_end, "\n".join(lines)))
        harness.diag("table:\n" + r.stdout.rstrip())


# ------------------------------------------------------------------ --json

JSON_TYPES = {
    "certificateNo": (int,), "certificateName": (str,), "certificateType": (str,),
    "commonName": (str,), "dnsNames": (list,), "statusCode": (int,), "statusName": (str,),
    "notAfter": (str, type(None)), "secondsLeft": (int, type(None)), "state": (str,),
    "reason": (str,), "supersededBy": (int, type(None)),
}


def json_fixture(now):
    """(account, {no: notAfter epoch}) with absolute notAfter strings in
    several styles, so what the mock serves is known to the second."""
    spec = [(900001, "json-kst", 1, 20.3, "ncp", {}),
            (900002, "json-z", 1, 200.7, "iso-z", {"ov": True}),
            (900003, "json-ms", 2, 5.1, "epoch-ms", {"type_key": "certificateTypeCode"}),
            (900004, "json-offset", 1, -3.2, "offset:-05:00", {}),
            (900005, "json-iso", 3, 100.9, "iso", {})]
    certs, when = [], {}
    for no, name, status, days, style, kw in spec:
        epoch = int(now + days * DAY)
        certs.append(c(no, name, status, None, extra={"notAfter": ncp_mock.render_date(epoch, style)},
                       **kw))
        when[no] = epoch
    certs.append(c(900006, "json-pending", 0, None, status_name="Ongoing"))
    # a renewal pair: old superseded by new
    old_epoch, new_epoch = int(now + 4 * DAY), int(now + 370 * DAY)
    certs.append(c(900007, "json-old", 1, None, common_name="j.example.com",
                   dns=["j.example.com"], extra={"notAfter": ncp_mock.render_date(old_epoch)}))
    certs.append(c(900008, "json-new", 1, None, common_name="J.example.com",
                   dns=["j.example.com", "k.example.com"],
                   extra={"notAfter": ncp_mock.render_date(new_epoch)}))
    when[900007], when[900008] = old_epoch, new_epoch
    return acct(*certs), when


def iso_z(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


@tap.test("--json: one document, fields and types, exact notAfter, secondsLeft, supersededBy")
def _():
    acc, when = json_fixture(time.time())
    with Mock(account=acc) as m:
        t0 = time.time()
        r = run(m, "--json")
        t1 = time.time()
        expect_exit(r, 2)
        try:
            doc = json.loads(r.stdout)
        except ValueError as e:
            raise harness.Failure("stdout is not one JSON document: %s: %r" % (e, r.stdout[:300]))
        check(isinstance(doc, dict), "top level is %s" % type(doc).__name__)
        check(doc.get("state") == "CRITICAL", "state %r" % doc.get("state"))
        check(isinstance(doc.get("summary"), str) and doc["summary"], "summary %r"
              % doc.get("summary"))
        check(isinstance(doc.get("certificates"), list), "certificates is not a list")
        by_no = {}
        for item in doc["certificates"]:
            for field, types in JSON_TYPES.items():
                check(field in item, "field %s missing in %r" % (field, item))
                check(isinstance(item[field], types) and not isinstance(item[field], bool),
                      "%s of #%s is %r" % (field, item.get("certificateNo"), item[field]))
            check(all(isinstance(d, str) for d in item["dnsNames"]), "dnsNames %r"
                  % item["dnsNames"])
            check(item["state"] in ("OK", "WARNING", "CRITICAL", "UNKNOWN"), "state %r"
                  % item["state"])
            by_no[item["certificateNo"]] = item
        for cert in certs_of(acc):
            check(cert["certificateNo"] in by_no, "#%s missing" % cert["certificateNo"])
        for no, epoch in when.items():
            item = by_no[no]
            check(item["notAfter"] == iso_z(epoch), "#%d notAfter %r, served %r (%s)"
                  % (no, item["notAfter"], iso_z(epoch), item["certificateName"]))
            lo, hi = epoch - t1 - 5, epoch - t0 + 5
            check(lo <= item["secondsLeft"] <= hi, "#%d secondsLeft %s, expected %d..%d"
                  % (no, item["secondsLeft"], lo, hi))
        check(by_no[900006]["notAfter"] is None and by_no[900006]["secondsLeft"] is None,
              "undated cert: %r" % by_no[900006])
        check(by_no[900001]["state"] == "WARNING" and by_no[900002]["state"] == "OK" and
              by_no[900003]["state"] == "CRITICAL" and by_no[900004]["state"] == "CRITICAL",
              "states %r" % {k: v["state"] for k, v in by_no.items()})
        check(by_no[900002]["certificateType"] == "NCP_PAID_OV_01" and
              by_no[900001]["certificateType"] == "NCP_PAID_DV_01", "certificateType")
        check(by_no[900001]["statusCode"] == 1 and by_no[900001]["statusName"] == "NORMAL",
              "status of #900001: %r %r" % (by_no[900001]["statusCode"],
                                             by_no[900001]["statusName"]))
        check(by_no[900001]["dnsNames"] == ["json-kst.example.com", "www.json-kst.example.com"],
              "dnsNames %r" % by_no[900001]["dnsNames"])
        check(by_no[900007]["supersededBy"] == 900008, "json-old supersededBy %r"
              % by_no[900007]["supersededBy"])
        for no in when:
            if no != 900007:
                check(by_no[no]["supersededBy"] is None, "#%d supersededBy %r"
                      % (no, by_no[no]["supersededBy"]))
        # same exit code as the plugin output
        r2 = run(m)
        check(r2.code == r.code, "--json exit %s, plugin output exit %s" % (r.code, r2.code))


def certs_of(acc):
    return [x for o in acc["orders"] for x in o["certificates"]]


@tap.test("--json: an API failure or an empty selection is still one JSON document, exit 3")
def _():
    with Mock(scenario="status:503") as m:
        r = run(m, "--json", "--retries", "0")
        expect_exit(r, 3)
        try:
            doc = json.loads(r.stdout)
        except ValueError as e:
            raise harness.Failure("not JSON: %s: %r" % (e, r.stdout[:300]))
        check(doc.get("state") == "UNKNOWN", "state %r" % doc.get("state"))
        check("503" in json.dumps(doc), "the document does not name the 503")
    with Mock(account=acct(*SEL_CERTS)) as m:
        r = run(m, "--json", "-n", "no-such-cert")
        expect_exit(r, 3)
        try:
            doc = json.loads(r.stdout)
        except ValueError as e:
            raise harness.Failure("not JSON: %s: %r" % (e, r.stdout[:300]))
        check(doc.get("state") == "UNKNOWN", "state %r" % doc.get("state"))
        check("no certificate matched" in json.dumps(doc), "the document does not say "
              "'no certificate matched': %r" % doc)


# ------------------------------------------------------------------ perfdata, long output


@tap.test("--perfdata summary: counts and min_left only; none: no perfdata")
def _():
    acc = acct(old_cert(), renewal(),
               c(950001, "closest", 1, 20), c(950002, "farther", 1, 90),
               c(950003, "undated", 0, None))
    with Mock(account=acc) as m:
        out = expect(run(m, "--perfdata", "summary"), 1)
        check(sorted(out.perf) == sorted(COUNT_LABELS + ("min_left",)),
              "labels %r" % sorted(out.perf))
        counts(out, certificates=4, ok=3, warning=1)
        ml = out.perf["min_left"]
        check(ml["uom"] == "s" and abs(ml["value"] - 20 * DAY) <= TOLERANCE_S,
              "min_left %r, expected ~%d s (closest counted cert)" % (ml["raw"], 20 * DAY))
        check(ml["warn"] == DEFAULT_WARN and ml["crit"] == DEFAULT_CRIT,
              "min_left thresholds %r" % ml["raw"])
        out = expect(run(m, "--perfdata", "summary", "-w", "10", "-c", "5"), 0)
        ml = out.perf["min_left"]
        check(ml["warn"] == "864000:" and ml["crit"] == "432000:", "min_left thresholds %r"
              % ml["raw"])
        out = expect(run(m, "--perfdata", "all"), 1)
        check("closest" in out.perf and "farther" in out.perf, "all: %r" % out.perf_text)
        r = run(m, "--perfdata", "none")
        out = expect(r, 1)
        check(" | " not in out.first and "|" not in r.stdout, "perfdata with none: %r"
              % r.stdout[:300])
        check(out.long_with("[WARNING] "), "long output kept with --perfdata none")
        r = run(m, "--perfdata", "bogus")
        expect_exit(r, 3)


def problem_account(n):
    return gen.account([(960000 + i, [c(960000 + i, "problem-%03d" % i, 1, 1 + (i % 10))])
                        for i in range(n)])


@tap.test("long output capped: 80 problems -> 50 lines + '... and 30 more'; --max-lines 5")
def _():
    with Mock(account=problem_account(80)) as m:
        out = expect(run(m), 2)
        counts(out, certificates=80, critical=80)
        shown = [l for l in out.long if l.startswith("[")]
        more = [l for l in out.long if l.startswith("... and ")]
        check(len(shown) == 50, "%d certificate lines by default, expected 50" % len(shown))
        check(more == ["... and 30 more"], "'... and N more' lines: %r" % more)
        check(out.long[-1] == "... and 30 more" or out.long.index(more[0]) > out.long.index(
            shown[-1]), "the '... and N more' line does not follow the shown ones")
        out = expect(run(m, "--max-lines", "5"), 2)
        shown = [l for l in out.long if l.startswith("[")]
        more = [l for l in out.long if l.startswith("... and ")]
        check(len(shown) == 5, "%d certificate lines with --max-lines 5" % len(shown))
        check(more == ["... and 75 more"], "'... and N more' lines: %r" % more)
        out = expect(run(m, "--max-lines", "100"), 2)
        check(len([l for l in out.long if l.startswith("[")]) == 80 and
              not [l for l in out.long if l.startswith("... and ")], "--max-lines 100")
        for bad in ("-1", "x", "5x"):
            expect_exit(run(m, "--max-lines", bad), 3)


# ------------------------------------------------------------------ strict (open points)


@tap.test("--list (strict): a dated certificate judged by status sorts by its days left")
def _():
    acc = acct(c(990001, "revoked-dated", -5, 10), c(990002, "normal-far", 1, 300),
               c(990003, "undated", 0, None))
    with Mock(account=acc) as m:
        r = run(m, "--list")
        head, starts, rows, lines = parse_table(r.stdout)
        order = [row[0] for row in rows]
        check(order == ["revoked-dated", "normal-far", "undated"], "order %r" % order)


if __name__ == "__main__":
    harness.require_plugin()
    sys.exit(tap.run())
