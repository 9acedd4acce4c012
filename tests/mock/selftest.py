#!/usr/bin/env python3
"""Self-test of ncp_mock.py and gen_account.py (TAP).

Requests are signed here with the openssl CLI (`openssl dgst -sha256 -hmac`),
independently of the mock's own signing code, and sent with http.client.

  python3 tests/mock/selftest.py [NAME-FILTER...]
"""

import base64
import datetime
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
from harness import Mock, check, diag  # noqa: E402

ncp_mock, gen_account = harness.import_mock_modules()
API = "/api/v2/certificate/getPaidCertificates"
KEY = harness.ACCESS_KEY
SECRET = harness.SECRET
tap = harness.Tap()


def openssl_sign(secret, method, uri, ts, key):
    msg = ("%s %s\n%s\n%s" % (method, uri, ts, key)).encode()
    p = subprocess.run(["openssl", "dgst", "-sha256", "-hmac", secret, "-binary"],
                       input=msg, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    check(len(p.stdout) == 32, "openssl dgst gave %d bytes" % len(p.stdout))
    return base64.b64encode(p.stdout).decode()


def now_ms():
    return str(int(time.time() * 1000))


def headers_for(uri, secret=SECRET, key=KEY, ts=None, method="GET"):
    ts = ts or now_ms()
    return {"x-ncp-apigw-timestamp": ts, "x-ncp-iam-access-key": key,
            "x-ncp-apigw-signature-v2": openssl_sign(secret, method, uri, ts, key),
            "Accept": "application/json", "Content-Type": "application/json"}


def conn_for(m, timeout=10):
    if m.tls:
        ctx = ssl.create_default_context(cafile=harness.test_ca()["ca_cert"])
        return http.client.HTTPSConnection("127.0.0.1", m.port, timeout=timeout, context=ctx)
    return http.client.HTTPConnection("127.0.0.1", m.port, timeout=timeout)


def get(m, uri=API, conn=None, sign=True, method="GET", **kw):
    c = conn or conn_for(m)
    hdrs = headers_for(uri, method=method, **kw) if sign else {"Accept": "application/json"}
    c.request(method, uri, headers=hdrs)
    r = c.getresponse()
    body = r.read()
    if conn is None:
        c.close()
    return r.status, r, body


def orders_account(n, per_order=1):
    return gen_account.size_account(n * per_order, seed=7, per_order=per_order, healthy=True)


def jbody(body):
    return json.loads(body.decode())


# ------------------------------------------------------------------ cases


@tap.test("starts on a free port, writes port and pid files")
def _():
    with Mock() as m:
        check(m.port > 0, "port %r" % m.port)
        with open(m.pid_file) as fh:
            check(int(fh.read()) == m.proc.pid, "pid file holds the mock's pid")
        st, _, body = get(m)
        check(st == 200, "status %s" % st)
        b = jbody(body)
        check(b == {"returnCode": "0", "returnMessage": "Success", "totalCount": 0,
                    "orders": []}, "empty account answer: %r" % b)


@tap.test("demo account: signed GET answers 200 with the whole demo account")
def _():
    with Mock(account=harness.fixture("accounts/demo.json")) as m:
        st, r, body = get(m, API + "?page=1&pageSize=100")
        check(st == 200, "status %s" % st)
        check(r.getheader("Content-Type", "").startswith("application/json"), "content type")
        check(r.getheader("Content-Length") == str(len(body)), "content length")
        b = jbody(body)
        check(b["returnCode"] == "0" and b["totalCount"] == 8, "header fields %r" % b)
        certs = [c for o in b["orders"] for c in o["certificates"]]
        check(len(certs) == 10, "10 certificates, got %d" % len(certs))
        for c in certs:
            for k in ("notAfterDays", "registDateDays", "updateDateDays", "dateStyle"):
                check(k not in c, "helper key %s removed" % k)
        by = {c["certificateName"]: c for c in certs}
        check("notAfter" not in by["pending-order"], "ONGOING has no notAfter")
        check(isinstance(by["compromised-app"]["notAfter"], int), "epoch-ms is a number")
        check(by["api-gateway"]["orderID"] == "900002", "orderID spelling kept")


@tap.test("one keep-alive connection serves several requests")
def _():
    with Mock(account=orders_account(30)) as m:
        c = conn_for(m)
        for p in (1, 2, 3):
            st, r, body = get(m, API + "?page=%d&pageSize=10" % p, conn=c)
            check(st == 200, "page %d status %s" % (p, st))
            check(len(jbody(body)["orders"]) == 10, "page %d size" % p)
        c.close()
        conns = {e["conn"] for e in m.requests()}
        check(len(conns) == 1, "one connection, log shows %r" % conns)


@tap.test("authentication: missing headers, wrong secret, wrong key -> 401 errorCode 200")
def _():
    with Mock() as m:
        st, _, body = get(m, sign=False)
        check(st == 401 and jbody(body)["error"]["errorCode"] == "200", "unsigned: %s %r" % (st, body))
        check(jbody(body)["error"]["message"] == "Authentication Failed", "message")
        st, _, body = get(m, secret="wrong-secret")
        check(st == 401 and jbody(body)["error"]["errorCode"] == "200", "bad secret: %s" % st)
        st, _, body = get(m, key="OTHERKEY")
        check(st == 401, "wrong access key: %s" % st)
        log = m.requests()
        check([e["status"] for e in log] == [401, 401, 401], "log statuses %r" % log)
        check([e["sig_ok"] for e in log] == [False, False, False], "sig_ok false")
        check([e["auth"] for e in log] == ["missing-headers", "bad-signature",
                                           "unknown-access-key"], "auth reasons")


@tap.test("authentication: --access-key and --secret-key-file are honoured")
def _():
    with Mock(secret="s3cr3t-other", access_key="OTHERACCESSKEY") as m:
        st, _, _ = get(m, secret="s3cr3t-other", key="OTHERACCESSKEY")
        check(st == 200, "own key/secret: %s" % st)
        st, _, _ = get(m)
        check(st == 401, "default key/secret refused: %s" % st)


@tap.test("timestamp: 4 minutes off is fine, 5+ minutes off -> 401 naming the timestamp")
def _():
    with Mock() as m:
        st, _, _ = get(m, ts=str(int((time.time() - 240) * 1000)))
        check(st == 200, "4 min old: %s" % st)
        st, _, _ = get(m, ts=str(int((time.time() + 240) * 1000)))
        check(st == 200, "4 min ahead: %s" % st)
        for off in (-301, 301, -86400):
            st, _, body = get(m, ts=str(int((time.time() + off) * 1000)))
            e = jbody(body)["error"]
            check(st == 401 and e["errorCode"] == "200", "offset %d: %s" % (off, st))
            check("timestamp" in e.get("details", "").lower(), "details: %r" % e)
        st, _, _ = get(m, ts=str(int(time.time())))  # seconds, not ms
        check(st == 401, "seconds instead of ms: %s" % st)
        log = m.requests()
        check(log[2]["sig_ok"] is True and log[2]["auth"] == "timestamp-skew",
              "skewed but signed: %r" % log[2])


@tap.test("signature covers the raw request-target exactly as sent")
def _():
    with Mock(account=gen_account.demo_account()) as m:
        uri = API + "?pageSize=5&page=1&certificateName=shop%2Dmain"
        st, _, body = get(m, uri)
        check(st == 200, "raw uri signed: %s" % st)
        check([c["certificateName"] for o in jbody(body)["orders"] for c in o["certificates"]]
              == ["shop-main"], "certificateName filter")
        # sign the decoded form, send the encoded one -> refused
        c = conn_for(m)
        h = headers_for(API + "?pageSize=5&page=1&certificateName=shop-main")
        c.request("GET", uri, headers=h)
        r = c.getresponse()
        r.read()
        check(r.status == 401, "decoded-form signature refused: %s" % r.status)
        # sign without the query -> refused
        h = headers_for(API)
        c.request("GET", API + "?page=1", headers=h)
        r = c.getresponse()
        r.read()
        check(r.status == 401, "path-only signature refused: %s" % r.status)
        c.close()
        log = m.requests()
        check(log[0]["query"] == "pageSize=5&page=1&certificateName=shop%2Dmain", "raw query logged")
        check(log[0]["page"] == 1 and log[0]["pageSize"] == 5, "page/pageSize logged")


@tap.test("unknown path or method -> 404 errorCode 300")
def _():
    with Mock() as m:
        for uri, method in (("/api/v2/certificate/certificates", "GET"), ("/", "GET"),
                            (API, "POST"), (API + "/", "GET")):
            st, _, body = get(m, uri, method=method)
            check(st == 404, "%s %s: %s" % (method, uri, st))
            check(jbody(body) == {"error": {"errorCode": "300", "message": "Not Found Exception"}},
                  "body %r" % body)


@tap.test("paging: 250 orders, pageSize 100 -> 100/100/50/0; default pageSize 20")
def _():
    with Mock(account=orders_account(250)) as m:
        sizes = []
        seen = []
        for p in (1, 2, 3, 4):
            st, _, body = get(m, API + "?page=%d&pageSize=100" % p)
            b = jbody(body)
            check(st == 200 and b["totalCount"] == 250, "page %d: %s %r" % (p, st, b.get("totalCount")))
            sizes.append(len(b["orders"]))
            seen += [o["orderId"] for o in b["orders"]]
        check(sizes == [100, 100, 50, 0], "sizes %r" % sizes)
        check(len(set(seen)) == 250, "distinct orders %d" % len(set(seen)))
        st, _, body = get(m, API)
        check(len(jbody(body)["orders"]) == 20, "default page size")
        st, _, body = get(m, API + "?page=2")
        check(jbody(body)["orders"][0]["orderId"] == seen[20], "page 2 of default size")
        for bad in ("page=0", "pageSize=0", "page=x", "pageSize=-3"):
            st, _, body = get(m, API + "?" + bad)
            check(st == 400, "%s: %s" % (bad, st))


@tap.test("--max-page-size caps, --ignore-page-size returns all")
def _():
    with Mock(account=orders_account(20), extra=["--max-page-size", "7"]) as m:
        st, _, body = get(m, API + "?page=1&pageSize=100")
        check(len(jbody(body)["orders"]) == 7, "capped to 7")
        st, _, body = get(m, API + "?page=3&pageSize=100")
        check(len(jbody(body)["orders"]) == 6, "page 3 of 7-sized pages has 6")
    with Mock(account=orders_account(20), extra=["--ignore-page-size"]) as m:
        for p in (1, 2, 5):
            st, _, body = get(m, API + "?page=%d&pageSize=5" % p)
            check(len(jbody(body)["orders"]) == 20, "page %d: all 20" % p)


@tap.test("--total-count orders|certs|missing|low|high")
def _():
    acc = orders_account(10, per_order=3)
    want = {"orders": 10, "certs": 30, "missing": None, "low": 5, "high": 35}
    for mode, val in want.items():
        with Mock(account=acc, extra=["--total-count", mode]) as m:
            st, _, body = get(m)
            b = jbody(body)
            check(b.get("totalCount") == val and (mode != "missing" or "totalCount" not in b),
                  "%s: %r" % (mode, b.get("totalCount")))


@tap.test("sequence:503/503/200 with --retry-after, last status repeats")
def _():
    with Mock(account=orders_account(3), scenario="sequence:503/429/200",
              extra=["--retry-after", "2"]) as m:
        st, r, body = get(m)
        check(st == 503 and r.getheader("Retry-After") == "2", "1st: %s %s" % (st, r.getheader("Retry-After")))
        check(jbody(body)["error"]["errorCode"] == "500", "503 body %r" % body)
        st, r, body = get(m)
        check(st == 429 and jbody(body)["error"]["errorCode"] == "420", "2nd: %s" % st)
        st, r, body = get(m)
        check(st == 200 and r.getheader("Retry-After") is None, "3rd: %s" % st)
        st, r, body = get(m)
        check(st == 200 and len(jbody(body)["orders"]) == 3, "4th: %s" % st)
        st, r, body = get(m, secret="bad")
        check(st == 401, "200 entries still check the signature: %s" % st)
        check([e["n"] for e in m.requests()] == [1, 2, 3, 4, 5], "request numbers")


@tap.test("status:CODE[:BODYFILE], empty-403, return-code, redirect")
def _():
    bf = harness.tmpfile("body.json", '{"error":{"errorCode":"420","message":"Rate Limited"}}')
    with Mock(scenario="status:429:" + bf, extra=["--retry-after", "1"]) as m:
        st, r, body = get(m, sign=False)
        check(st == 429 and body == open(bf, "rb").read(), "status with body: %s %r" % (st, body))
        check(r.getheader("Retry-After") == "1", "Retry-After")
    with Mock(scenario="status:500") as m:
        st, r, body = get(m)
        check(st == 500 and body == b"" and r.getheader("Content-Length") == "0",
              "status without body: %s %r" % (st, body))
    with Mock(scenario="empty-403") as m:
        st, r, body = get(m)
        check(st == 403 and body == b"" and r.getheader("Content-Length") == "0",
              "empty-403: %s %r" % (st, body))
    with Mock(scenario="return-code:24061") as m:
        st, r, body = get(m)
        b = jbody(body)
        check(st == 200 and b["returnCode"] == "24061" and "returnMessage" in b,
              "return-code: %s %r" % (st, b))
    with Mock(scenario="redirect", extra=["--redirect-to", "http://127.0.0.1:9/elsewhere"]) as m:
        st, r, body = get(m)
        check(st == 302 and r.getheader("Location") == "http://127.0.0.1:9/elsewhere",
              "redirect: %s %s" % (st, r.getheader("Location")))


@tap.test("garbage and html answer 200 with a body that is not JSON")
def _():
    with Mock(scenario="garbage") as m:
        st, r, body = get(m)
        check(st == 200 and len(body) == 600, "garbage: %s %d" % (st, len(body)))
        try:
            json.loads(body.decode("utf-8", "replace"))
            check(False, "garbage parsed as JSON")
        except ValueError:
            pass
    with Mock(scenario="html") as m:
        st, r, body = get(m)
        check(st == 200 and r.getheader("Content-Type").startswith("text/html")
              and b"<html>" in body, "html: %s %r" % (st, body[:60]))


def raw_get(m, uri=API, timeout=5):
    s = socket.create_connection(("127.0.0.1", m.port), timeout=timeout)
    h = headers_for(uri)
    req = "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n" % (
        uri, m.port, "".join("%s: %s\r\n" % kv for kv in h.items()))
    s.sendall(req.encode())
    return s


def read_headers(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode("latin-1")


@tap.test("drip sends the body one byte a second")
def _():
    with Mock(account=gen_account.demo_account(), scenario="drip") as m:
        s = raw_get(m)
        t0 = time.monotonic()
        head = read_headers(s)
        check(head.startswith("HTTP/1.1 200"), "head %r" % head[:40])
        cl = int(re.search(r"Content-Length: (\d+)", head).group(1))
        check(cl > 1000, "content length %d" % cl)
        got = b""
        while len(got) < 3:
            got += s.recv(10)
        dt = time.monotonic() - t0
        check(1.5 < dt < 4, "3 bytes took %.2f s" % dt)
        check(got.startswith(b'{"'), "body starts %r" % got)
        s.close()


@tap.test("stall sends headers and then nothing")
def _():
    with Mock(scenario="stall") as m:
        s = raw_get(m)
        head = read_headers(s)
        check(head.startswith("HTTP/1.1 200"), "head %r" % head[:40])
        s.settimeout(1.5)
        try:
            data = s.recv(10)
            check(False, "got body bytes %r" % data)
        except socket.timeout:
            pass
        s.close()


@tap.test("close-mid-body closes after half the announced body")
def _():
    with Mock(account=gen_account.demo_account(), scenario="close-mid-body") as m:
        try:
            get(m)
            check(False, "no error reading a truncated body")
        except http.client.IncompleteRead as e:
            check(len(e.partial) > 100, "partial %d bytes" % len(e.partial))


@tap.test("endless: every page full of fresh certificates, totalCount huge")
def _():
    with Mock(scenario="endless") as m:
        nos = set()
        for p in (1, 2, 999999):
            st, _, body = get(m, API + "?page=%d&pageSize=50" % p)
            b = jbody(body)
            check(st == 200 and b["totalCount"] >= 10 ** 6 and len(b["orders"]) == 50,
                  "page %d: %s" % (p, st))
            for o in b["orders"]:
                for c in o["certificates"]:
                    check(c["certificateNo"] not in nos, "fresh certificateNo")
                    nos.add(c["certificateNo"])
        check(len(nos) == 150, "150 distinct")


@tap.test("huge:N streams N bytes of an unclosed JSON prefix; :length announces them")
def _():
    with Mock(scenario="huge:3M") as m:
        st, r, body = get(m)
        check(st == 200 and r.getheader("Content-Length") is None, "status %s, Content-Length %r"
              % (st, r.getheader("Content-Length")))
        check(len(body) == 3 << 20, "%d bytes, expected %d" % (len(body), 3 << 20))
        check(body.startswith(b'{"returnCode":"0"') and body.endswith(b"xxxx"), "body %r...%r"
              % (body[:30], body[-10:]))
        st, _, _ = get(m, secret="wrong")
        check(st == 401, "huge checks the signature: %s" % st)
    with Mock(scenario="huge:100:length") as m:
        st, r, body = get(m)
        check(st == 200 and r.getheader("Content-Length") == "100" and len(body) == 100,
              "status %s, Content-Length %r, %d bytes" % (st, r.getheader("Content-Length"), len(body)))


@tap.test("slow:1 delays every answer; clock-skew refuses a good signature")
def _():
    with Mock(scenario="slow:1") as m:
        t0 = time.monotonic()
        st, _, _ = get(m)
        check(st == 200 and time.monotonic() - t0 >= 0.95, "slow: %s %.2f" % (st, time.monotonic() - t0))
    with Mock(scenario="clock-skew,slow:0") as m:
        st, _, body = get(m)
        check(st == 401 and "timestamp" in jbody(body)["error"]["details"], "skew: %s %r" % (st, body))
        st, _, body = get(m, ts=str(int((time.time() + 600) * 1000)))
        check(st == 200, "client following the server clock: %s" % st)
    with Mock(scenario="clock-skew:-400") as m:
        st, _, _ = get(m)
        check(st == 401, "skew -400: %s" % st)


@tap.test("bad scenario names are refused at start")
def _():
    for sc in ("nope", "drip,stall", "status:abc", "huge:", "huge:12X", "huge:1M:nolength"):
        try:
            with Mock(scenario=sc):
                pass
            check(False, "%s accepted" % sc)
        except RuntimeError as e:
            check("exited with 2" in str(e), "%s: %s" % (sc, e))


@tap.test("raw fixture body is served verbatim")
def _():
    raw = '{"returnCode":"0","orders":[{"certificates":[{"notAfter":"soon"'
    with Mock(account={"raw": raw}) as m:
        st, _, body = get(m)
        check(st == 200 and body == raw.encode(), "raw: %r" % body)


ISO_RES = {
    "ncp": r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\(UTC\+09:00\)$",
    "ncp-space": r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+09:00\)$",
    "iso": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$",
    "iso-z": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
    "offset:-05:00": r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\(UTC-05:00\)$",
}


def parse_back(v):
    if isinstance(v, int):
        return v / 1000.0
    m = re.match(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d) ?(?:\(UTC([+-]\d\d:\d\d)\)|([+-]\d\d:\d\d)|Z)$", v)
    off = m.group(3) or m.group(4) or "+00:00"
    d = datetime.datetime.fromisoformat("%sT%s%s" % (m.group(1), m.group(2), off))
    return d.timestamp()


@tap.test("date styles render now+days in the right format and offset")
def _():
    certs = []
    for i, style in enumerate(gen_account.DATE_STYLES):
        certs.append(gen_account.cert(1 + i, "d-" + style, 1, 20.5, date_style=style,
                                      regist_days=-10, update_days=-1))
    with Mock(account=gen_account.account([(1, certs)])) as m:
        t0 = time.time()
        st, _, body = get(m)
        got = {c["certificateName"][2:]: c for o in jbody(body)["orders"] for c in o["certificates"]}
        for style, c in got.items():
            v = c["notAfter"]
            if style == "epoch-ms":
                check(isinstance(v, int) and v % 1000 == 0, "epoch-ms %r" % v)
            else:
                check(re.match(ISO_RES[style], v), "%s: %r" % (style, v))
            d = parse_back(v) - t0
            check(abs(d - 20.5 * 86400) < 5, "%s off by %.1f s" % (style, d - 20.5 * 86400))
            check(abs(parse_back(c["registDate"]) - t0 + 10 * 86400) < 5, "registDate")
            check(abs(parse_back(c["updateDate"]) - t0 + 86400) < 5, "updateDate")


@tap.test("HTTPS with the test CA; a client without it fails verification")
def _():
    with Mock(account=gen_account.demo_account(), tls=True) as m:
        check(m.url.startswith("https://127.0.0.1:"), m.url)
        st, _, body = get(m)
        check(st == 200 and len(jbody(body)["orders"]) == 8, "https: %s" % st)
        c = http.client.HTTPSConnection("127.0.0.1", m.port, timeout=5,
                                        context=ssl.create_default_context())
        try:
            c.request("GET", API)
            c.getresponse()
            check(False, "verification passed without the CA")
        except ssl.SSLCertVerificationError:
            pass
        c.close()
        ctx = ssl.create_default_context(cafile=harness.test_ca()["ca_cert"])
        c = http.client.HTTPSConnection("localhost", m.port, timeout=5, context=ctx)
        st, _, _ = get(m, conn=c)
        check(st == 200, "hostname localhost verifies: %s" % st)
        check(len(m.requests()) == 2, "failed handshake logged no request")


@tap.test("request log: fields, one line per request, never the secret")
def _():
    with Mock(account=gen_account.demo_account(), secret="TOPSECRET-xyz-123") as m:
        get(m, API + "?page=1&pageSize=3", secret="TOPSECRET-xyz-123")
        get(m, API + "?page=2&pageSize=3", secret="nope")
        get(m, "/nothing", secret="TOPSECRET-xyz-123")
        log = m.requests()
        check(len(log) == 3, "3 lines")
        e = log[0]
        for k in ("method", "path", "query", "page", "pageSize", "headers", "sig_ok", "status"):
            check(k in e, "field %s in %r" % (k, e))
        check(e["method"] == "GET" and e["path"] == API and e["query"] == "page=1&pageSize=3", "%r" % e)
        check(set(e["headers"]) == {"x-ncp-apigw-timestamp", "x-ncp-iam-access-key",
                                    "x-ncp-apigw-signature-v2"}, "x-ncp headers %r" % e["headers"])
        check(e["other_headers"].get("accept") == "application/json", "accept logged")
        check([x["sig_ok"] for x in log] == [True, False, True], "sig_ok %r" % [x["sig_ok"] for x in log])
        check([x["status"] for x in log] == [200, 401, 404], "statuses")
        with open(m.log_path) as fh:
            check("TOPSECRET" not in fh.read(), "secret in log")
        check("TOPSECRET" not in m.stderr(), "secret in stderr")


@tap.test("SIGTERM stops the mock at once and removes its pid file; --lifetime ends it")
def _():
    with Mock(scenario="stall") as m:
        s = raw_get(m)
        read_headers(s)  # a handler thread is busy stalling
        t0 = time.monotonic()
        os.kill(m.proc.pid, signal.SIGTERM)
        m.proc.wait(5)
        check(time.monotonic() - t0 < 2, "stopped in %.2f s" % (time.monotonic() - t0))
        check(m.proc.returncode == 0, "exit %s" % m.proc.returncode)
        check(not os.path.exists(m.pid_file), "pid file removed")
        s.close()
    with Mock(lifetime=1) as m:
        t0 = time.monotonic()
        m.proc.wait(5)
        check(time.monotonic() - t0 < 3, "lifetime 1 s: %.2f" % (time.monotonic() - t0))


@tap.test("gen_account: demo matches accounts/demo.json; size N")
def _():
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, os.path.join(here, "gen_account.py"), "demo"],
                         stdout=subprocess.PIPE, check=True).stdout
    with open(harness.fixture("accounts/demo.json"), "rb") as fh:
        check(json.loads(out) == json.load(fh), "demo.json is stale: regenerate it")
    acc = gen_account.demo_account()
    names = [c["certificateName"] for o in acc["orders"] for c in o["certificates"]]
    check(sorted(names) == sorted(gen_account.DEMO_EXPECT["by_name"]), "DEMO_EXPECT names")
    out = subprocess.run([sys.executable, os.path.join(here, "gen_account.py"), "size", "1000",
                          "--seed", "5"], stdout=subprocess.PIPE, check=True).stdout
    acc = json.loads(out)
    certs = [c for o in acc["orders"] for c in o["certificates"]]
    check(len(certs) == 1000, "1000 certs")
    check(len({c["certificateNo"] for c in certs}) == 1000, "unique certificateNo")
    check(all(1 <= len(o["certificates"]) <= 4 for o in acc["orders"]), "1-4 per order")
    healthy = sum(1 for c in certs if str(c["statusCode"]) in ("1", "2", "3")
                  and c.get("notAfterDays", 0) > 30)
    check(700 < healthy < 950, "mostly healthy: %d" % healthy)
    check(len({str(c["statusCode"]) for c in certs}) >= 6, "varied states")
    out2 = subprocess.run([sys.executable, os.path.join(here, "gen_account.py"), "size", "1000",
                           "--seed", "5"], stdout=subprocess.PIPE, check=True).stdout
    check(out == out2, "deterministic for a seed")


if __name__ == "__main__":
    sys.exit(tap.run())
