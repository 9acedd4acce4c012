#!/usr/bin/env python3
"""Local mock of the NCP Certificate Manager API (getPaidCertificates).

Serves GET /api/v2/certificate/getPaidCertificates the way the NCP API
gateway does: signature v2 checked on every request, paging over the orders
of an account fixture, and a set of failure scenarios for end-to-end tests
of check_ncp_advanced_certs.  Python 3 standard library only.

Run `ncp_mock.py --help` for the options; the scenarios are listed at the
end of this docstring and in --help.

Importable too: `render_account(account)` builds the full API answer for a
fixture (what the tests save for --input), `expand_cert()` expands the
relative date helper keys.

Speed (--cache-pages): rendering a page of relative dates costs a few ms of
Python per 100 orders, more than a C client spends on it.  With
--cache-pages the body of each (page, pageSize, certificateName) is rendered
once and the same bytes are served afterwards, so the dates are frozen at
the first request for that page (harmless for runs of minutes; bench/run
uses it so the mock is not what it measures).  Authentication, paging and
the request log still happen on every request.  Off by default; it applies
to normal answers of a fixture account only (not to endless).

Scenarios (--scenario, comma-separated; `slow:S` and `clock-skew[:S]` combine
with any other one):
  ok                      normal answers
  status:CODE[:BODYFILE]  every request answers HTTP CODE with that body
                          (or an empty body); no authentication check
  sequence:S1/S2/...      the n-th API request gets status Sn, the last one
                          repeats; 200 = normal answer (signature checked),
                          others = gateway error body for that status
  empty-403               HTTP 403, empty body (sub-account keys on CM 2.0)
  return-code:CODE        HTTP 200 {"returnCode":"CODE","returnMessage":...}
  redirect                302, Location = --redirect-to (another origin)
  drip                    valid headers, then the body one byte a second
  stall                   headers, then never the body
  close-mid-body          Content-Length of the whole body, half sent, close
  garbage                 HTTP 200 with random binary bytes
  html                    HTTP 200 text/html proxy error page
  endless                 every page is a full page of fresh certificates,
                          totalCount huge: a server that never ends
  huge:BYTES[:length]     HTTP 200, then BYTES bytes (K/M/G suffixes) of a
                          valid-looking JSON prefix that never closes, made
                          on the fly (never held in memory), then close; no
                          Content-Length unless `:length` is given
  slow:SECONDS            delay every answer by SECONDS
  clock-skew[:SECONDS]    the server clock runs SECONDS (default 600) ahead,
                          so a correctly signed request is refused with a
                          401 "timestamp is off".  The timestamp is the
                          client's to get right: there is nothing else a
                          server can do about skew.

Authentication is checked before drip, stall, close-mid-body, garbage,
endless, return-code and normal answers (those come from the service behind
the gateway); status, sequence errors, empty-403, redirect and html answer
whatever the request (they come from the gateway or a proxy in front).
"""

import argparse
import base64
import copy
import datetime
import hashlib
import hmac
import http.server
import json
import os
import random
import select
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

API_PATH = "/api/v2/certificate/getPaidCertificates"
DEFAULT_ACCESS_KEY = "DEMOACCESSKEY0000001"
DEFAULT_SECRET = "demo-secret-key-not-a-real-one"
DEFAULT_PAGE_SIZE = 20
SKEW_LIMIT_MS = 5 * 60 * 1000
KST = datetime.timezone(datetime.timedelta(hours=9))

# Gateway error bodies, from the NCP API gateway documentation.
GATEWAY_ERRORS = {
    400: ("100", "Bad Request Exception"),
    401: ("200", "Authentication Failed"),
    403: ("230", "Forbidden"),
    404: ("300", "Not Found Exception"),
    413: ("430", "Request Entity Too Large"),
    429: ("420", "Rate Limited"),
    500: ("500", "Endpoint Error"),
    502: ("500", "Endpoint Error"),
    503: ("500", "Endpoint Error"),
    504: ("510", "Endpoint Timeout"),
}

HELPER_DATE_KEYS = {
    "notAfterDays": "notAfter",
    "registDateDays": "registDate",
    "updateDateDays": "updateDate",
}

HTML_PAGE = b"""<!DOCTYPE html>
<html><head><title>Proxy Error</title></head>
<body><h1>502 Proxy Error</h1>
<p>The proxy server received an invalid response from an upstream server.
Please contact your network administrator.</p>
<hr><address>corporate-proxy.example at port 3128</address>
</body></html>
"""


def gateway_error_body(status, details=None):
    code, message = GATEWAY_ERRORS.get(status, (str(status), "Mock Gateway Error"))
    err = {"errorCode": code, "message": message}
    if details:
        err["details"] = details
    return json.dumps({"error": err}).encode()


# ---------------------------------------------------------------- dates


def parse_offset(text):
    """'+09:00' / '-05:00' / '+0530' -> datetime.timezone."""
    t = text.strip()
    if t in ("Z", "z", "UTC"):
        return datetime.timezone.utc
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-").replace(":", "")
    if not t.isdigit() or len(t) not in (2, 4):
        raise ValueError("bad UTC offset: %r" % text)
    hours = int(t[:2])
    minutes = int(t[2:]) if len(t) == 4 else 0
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def offset_label(tz):
    off = tz.utcoffset(None)
    total = int(off.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return "%s%02d:%02d" % (sign, total // 3600, (total % 3600) // 60)


def render_date(epoch_s, style="ncp"):
    """Render whole seconds since the epoch in one of the date styles."""
    epoch_s = int(round(epoch_s))
    if style == "epoch-ms":
        return epoch_s * 1000
    if style == "iso-z":
        d = datetime.datetime.fromtimestamp(epoch_s, datetime.timezone.utc)
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style in ("ncp", "ncp-space", "iso"):
        tz = KST
    elif style.startswith("offset:"):
        tz = parse_offset(style[len("offset:"):])
    else:
        raise ValueError("unknown dateStyle %r" % style)
    d = datetime.datetime.fromtimestamp(epoch_s, tz)
    if style == "iso":
        return d.strftime("%Y-%m-%dT%H:%M:%S") + offset_label(tz)
    sep = " " if style == "ncp-space" else ""
    return "%s%s(UTC%s)" % (d.strftime("%Y-%m-%d %H:%M:%S"), sep, offset_label(tz))


def expand_cert(cert, now=None):
    """Copy of a fixture certificate with the helper keys turned into fields."""
    if now is None:
        now = time.time()
    out = dict(cert)
    style = out.pop("dateStyle", "ncp")
    for helper, field in HELPER_DATE_KEYS.items():
        if helper in out:
            days = out.pop(helper)
            if days is not None:
                out[field] = render_date(now + float(days) * 86400.0, style)
    return out


def expand_order(order, now=None):
    out = {k: v for k, v in order.items() if k != "certificates"}
    out["certificates"] = [expand_cert(c, now) for c in order.get("certificates", [])]
    return out


def count_certs(orders):
    return sum(len(o.get("certificates", [])) for o in orders)


def total_count(mode, orders):
    n = len(orders)
    if mode == "orders":
        return n
    if mode == "certs":
        return count_certs(orders)
    if mode == "low":
        return n // 2
    if mode == "high":
        return n * 3 + 5
    return None  # missing


def render_page(orders_slice, total, now=None):
    body = {"returnCode": "0", "returnMessage": "Success"}
    if total is not None:
        body["totalCount"] = total
    body["orders"] = [expand_order(o, now) for o in orders_slice]
    return body


def render_account(account, now=None, total_mode="orders"):
    """The whole account as one API answer (e.g. to save for --input)."""
    if "raw" in account:
        return account["raw"]
    orders = account.get("orders", [])
    return render_page(orders, total_count(total_mode, orders), now)


def _int_or_raw(text):
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return text


# ---------------------------------------------------------------- signing


def sign_v2(secret, method, uri, timestamp, access_key):
    msg = "%s %s\n%s\n%s" % (method, uri, timestamp, access_key)
    mac = hmac.new(secret.encode(), msg.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


# ---------------------------------------------------------------- server


class Config:
    pass


class MockServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, cfg, tls_ctx=None):
        self.cfg = cfg
        self.tls_ctx = tls_ctx
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.request_no = 0       # API requests seen (for sequence:)
        self.endless_no = 0       # certificates made up by endless
        self.page_cache = {}      # (page, size, filter) -> body, with --cache-pages
        self.log_fh = open(cfg.request_log, "a", encoding="utf-8") if cfg.request_log else None
        super().__init__(addr, handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls_ctx is not None:
            # Handshake later, in the connection's own thread, so a client
            # that never finishes it cannot block the accept loop.
            sock = self.tls_ctx.wrap_socket(sock, server_side=True,
                                            do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ssl.SSLError, ConnectionError, socket.timeout, OSError)):
            if self.cfg.verbose:
                sys.stderr.write("ncp_mock: connection %s: %s\n" % (client_address, exc))
            return
        super().handle_error(request, client_address)

    def log_request_line(self, entry):
        if self.log_fh is None:
            return
        line = json.dumps(entry, sort_keys=True)
        with self.lock:
            self.log_fh.write(line + "\n")
            self.log_fh.flush()

    def next_request_no(self):
        with self.lock:
            self.request_no += 1
            return self.request_no

    def next_endless(self, n):
        with self.lock:
            start = self.endless_no
            self.endless_no += n
            return start


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ncp-mock/1.0"
    sys_version = ""
    timeout = 60  # idle keep-alive connections
    # Headers and body go out in two writes; with Nagle on, a body shorter
    # than a segment waits for the client's delayed ACK of the headers
    # (40 ms on Linux) on every kept-alive request after the first few.
    disable_nagle_algorithm = True

    # -- plumbing --------------------------------------------------------

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()

    def log_message(self, fmt, *args):
        if self.server.cfg.verbose:
            sys.stderr.write("ncp_mock: %s - %s\n" % (self.address_string(), fmt % args))

    def _read_request_body(self):
        n = self.headers.get("Content-Length")
        if n and n.isdigit() and int(n) > 0:
            self.rfile.read(int(n))

    def _send(self, status, body=b"", ctype="application/json;charset=UTF-8",
              extra_headers=None, content_length=None, head_only=False):
        self.send_response(status)
        if ctype and body:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if body and not head_only:
            self.wfile.write(body)
        self.wfile.flush()

    def _wait(self, seconds):
        """Sleep unless the server is stopping. True if it is stopping."""
        return self.server.stop_event.wait(seconds)

    def _client_gone(self):
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            if not r:
                return False
            if isinstance(self.connection, ssl.SSLSocket):
                return self.connection.pending() == 0 and not self.connection.recv(1)
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError, ssl.SSLError):
            return True

    # -- request entry points ---------------------------------------------

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_OPTIONS(self):
        self._handle("OPTIONS")

    # -- the API ------------------------------------------------------------

    def _auth(self, method):
        """(sig_ok, problem or None, details)."""
        cfg = self.server.cfg
        ts = self.headers.get("x-ncp-apigw-timestamp")
        key = self.headers.get("x-ncp-iam-access-key")
        sig = self.headers.get("x-ncp-apigw-signature-v2")
        if not ts or not key or not sig:
            return False, "missing-headers", "Invalid authentication information."
        expected = sign_v2(cfg.secret, method, self.path, ts, key)
        sig_ok = hmac.compare_digest(expected.encode(), sig.strip().encode()) and \
            hmac.compare_digest(key.encode(), cfg.access_key.encode())
        if not hmac.compare_digest(key.encode(), cfg.access_key.encode()):
            return sig_ok, "unknown-access-key", "Invalid authentication information."
        if not ts.isdigit():
            return sig_ok, "bad-timestamp", "Invalid authentication information."
        now_ms = int((time.time() + cfg.clock_skew) * 1000)
        if abs(now_ms - int(ts)) >= SKEW_LIMIT_MS:
            return sig_ok, "timestamp-skew", \
                "The timestamp is off: it differs from the server time by 5 minutes or more."
        if not sig_ok:
            return False, "bad-signature", "Invalid authentication information."
        return True, None, None

    def _handle(self, method):
        cfg = self.server.cfg
        head_only = method == "HEAD"
        self._read_request_body()
        path, _, query = self.path.partition("?")
        params = urllib.parse.parse_qs(query, keep_blank_values=True)
        page_raw = params.get("page", [None])[0]
        size_raw = params.get("pageSize", [None])[0]
        sig_ok, auth_problem, auth_details = self._auth(method)
        entry = {
            "t": round(time.time(), 3),
            "conn": "%s:%s" % self.client_address[:2],
            "method": method,
            "path": path,
            "query": query,
            "page": _int_or_raw(page_raw),
            "pageSize": _int_or_raw(size_raw),
            "headers": {k.lower(): v for k, v in self.headers.items()
                        if k.lower().startswith("x-ncp-")},
            "other_headers": {k.lower(): v for k, v in self.headers.items()
                              if k.lower() in ("accept", "content-type", "user-agent",
                                               "connection", "host")},
            "sig_ok": bool(sig_ok),
            "auth": auth_problem or "ok",
        }

        def reply(status, body=b"", **kw):
            entry["status"] = status
            self.server.log_request_line(entry)
            if cfg.slow:
                self._wait(cfg.slow)
            self._send(status, body, head_only=head_only, **kw)

        if method != "GET" or path != API_PATH:
            reply(404, gateway_error_body(404))
            return

        n = self.server.next_request_no()
        entry["n"] = n
        sc = cfg.scenario
        retry_after = {"Retry-After": str(cfg.retry_after)} if cfg.retry_after is not None else {}

        # Gateway / proxy level: whatever the request.
        if sc == "status":
            body = b""
            if cfg.status_body:
                with open(cfg.status_body, "rb") as fh:
                    body = fh.read()
            reply(cfg.status_code, body,
                  extra_headers=retry_after if cfg.status_code != 200 else None)
            return
        if sc == "sequence":
            seq = cfg.sequence
            st = seq[min(n, len(seq)) - 1]
            if st != 200:
                reply(st, gateway_error_body(st), extra_headers=retry_after)
                return
        if sc == "empty-403":
            reply(403, b"", extra_headers=retry_after)
            return
        if sc == "redirect":
            reply(302, b"", extra_headers=dict(Location=cfg.redirect_to, **retry_after))
            return
        if sc == "html":
            reply(200, HTML_PAGE, ctype="text/html; charset=iso-8859-1")
            return

        # The gateway: authentication.
        if auth_problem:
            reply(401, gateway_error_body(401, auth_details))
            return

        # Paging parameters.
        try:
            page = int(page_raw) if page_raw not in (None, "") else 1
            size = int(size_raw) if size_raw not in (None, "") else DEFAULT_PAGE_SIZE
            if page < 1 or size < 1:
                raise ValueError
        except ValueError:
            reply(400, gateway_error_body(400, "page and pageSize must be positive integers"))
            return
        if cfg.max_page_size:
            size = min(size, cfg.max_page_size)
        entry["served_page_size"] = size

        if sc == "return-code":
            body = {"returnCode": cfg.return_code, "returnMessage": "Some service error"}
            reply(200, json.dumps(body).encode())
            return
        if sc == "garbage":
            rnd = random.Random(n)
            reply(200, bytes(rnd.getrandbits(8) for _ in range(600)))
            return
        if sc == "huge":
            self._huge(entry)
            return

        body = self._cached_page_body(page, size, params.get("certificateName", [None])[0])

        if sc == "drip":
            self._drip(entry, body)
            return
        if sc == "stall":
            self._stall(entry, body)
            return
        if sc == "close-mid-body":
            entry["status"] = 200
            self.server.log_request_line(entry)
            self.send_response(200)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        reply(200, body)

    def _cached_page_body(self, page, size, name_filter):
        cfg = self.server.cfg
        if not getattr(cfg, "cache_pages", False) or cfg.scenario == "endless":
            return self._page_body(page, size, name_filter)
        key = (page, size, name_filter)
        body = self.server.page_cache.get(key)
        if body is None:
            body = self._page_body(page, size, name_filter)
            with self.server.lock:
                body = self.server.page_cache.setdefault(key, body)
        return body

    def _page_body(self, page, size, name_filter):
        cfg = self.server.cfg
        account = cfg.account
        if "raw" in account:
            raw = account["raw"]
            return raw.encode() if isinstance(raw, str) else json.dumps(raw).encode()
        if cfg.scenario == "endless":
            start = self.server.next_endless(size)
            orders = []
            for i in range(start, start + size):
                orders.append({"orderId": str(5000000 + i), "certificates": [{
                    "certificateNo": 7000000 + i,
                    "certificateName": "endless-%07d" % i,
                    "commonName": "endless-%07d.example.com" % i,
                    "statusCode": "1",
                    "statusName": "NORMAL",
                    "certificateType": "NCP_PAID_DV_01",
                    "orderId": str(5000000 + i),
                    "notAfterDays": 180,
                }]})
            return json.dumps(render_page(orders, 10 ** 9)).encode()
        orders = account.get("orders", [])
        if name_filter:
            filtered = []
            for o in orders:
                certs = [c for c in o.get("certificates", [])
                         if name_filter in str(c.get("certificateName", ""))]
                if certs:
                    filtered.append(dict(o, certificates=certs))
            orders = filtered
        total = total_count(cfg.total_count, orders)
        if cfg.ignore_page_size:
            chunk = orders
        else:
            chunk = orders[(page - 1) * size: page * size]
        return json.dumps(render_page(chunk, total)).encode()

    def _drip(self, entry, body):
        entry["status"] = 200
        self.server.log_request_line(entry)
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        try:
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                if self._wait(1.0):
                    return
        except OSError:
            return

    def _huge(self, entry):
        """A body of cfg.huge_bytes bytes streamed in 64 KiB blocks."""
        cfg = self.server.cfg
        total = cfg.huge_bytes
        entry["status"] = 200
        self.server.log_request_line(entry)
        if cfg.slow:
            self._wait(cfg.slow)
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        if cfg.huge_length:
            self.send_header("Content-Length", str(total))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        head = (b'{"returnCode":"0","returnMessage":"Success","totalCount":1,"orders":['
                b'{"orderId":"1","certificates":[{"certificateNo":1,"certificateName":"')
        block = b"x" * 65536
        sent = 0
        try:
            self.wfile.write(head[:total])
            sent = min(len(head), total)
            while sent < total and not self.server.stop_event.is_set():
                chunk = block[: min(len(block), total - sent)]
                self.wfile.write(chunk)
                sent += len(chunk)
            self.wfile.flush()
        except OSError:
            pass
        if cfg.verbose:
            sys.stderr.write("ncp_mock: huge: %d of %d bytes sent\n" % (sent, total))

    def _stall(self, entry, body):
        entry["status"] = 200
        self.server.log_request_line(entry)
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        while not self._wait(0.2):
            if self._client_gone():
                return


# ---------------------------------------------------------------- main


def parse_scenario(text, cfg):
    cfg.scenario = "ok"
    cfg.slow = 0.0
    cfg.clock_skew = 0.0
    cfg.status_code = None
    cfg.status_body = None
    cfg.sequence = None
    cfg.return_code = None
    cfg.huge_bytes = 0
    cfg.huge_length = False
    main = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        name, _, arg = part.partition(":")
        if name == "slow":
            cfg.slow = float(arg)
        elif name == "clock-skew":
            cfg.clock_skew = float(arg) if arg else 600.0
        elif name == "status":
            code, _, body = arg.partition(":")
            cfg.status_code = int(code)
            cfg.status_body = body or None
            main.append(name)
        elif name == "sequence":
            cfg.sequence = [int(s) for s in arg.split("/") if s]
            if not cfg.sequence:
                raise ValueError("sequence: needs at least one status")
            main.append(name)
        elif name == "return-code":
            cfg.return_code = arg
            main.append(name)
        elif name == "huge":
            size, _, flag = arg.partition(":")
            mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(size[-1:].upper(), 1)
            digits = size[:-1] if mult > 1 else size
            if not digits.isdigit() or flag not in ("", "length"):
                raise ValueError("huge:BYTES[:length] needs a byte count, got %r" % part)
            cfg.huge_bytes = int(digits) * mult
            cfg.huge_length = flag == "length"
            main.append(name)
        elif name in ("ok", "empty-403", "redirect", "drip", "stall", "close-mid-body",
                      "garbage", "html", "endless"):
            if name != "ok":
                main.append(name)
        else:
            raise ValueError("unknown scenario %r" % part)
    if len(main) > 1:
        raise ValueError("scenarios %s cannot be combined" % ", ".join(main))
    if main:
        cfg.scenario = main[0]


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def build_arg_parser():
    p = argparse.ArgumentParser(
        description="Mock of the NCP Certificate Manager API (getPaidCertificates).",
        epilog=__doc__[__doc__.index("Scenarios (--scenario"):],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    p.add_argument("--port-file", help="write the bound port here once listening")
    p.add_argument("--pid-file")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--access-key", default=DEFAULT_ACCESS_KEY)
    p.add_argument("--secret-key-file")
    p.add_argument("--account", help="JSON account fixture (default: empty account)")
    p.add_argument("--scenario", default="ok")
    p.add_argument("--request-log", help="append one JSON line per request")
    p.add_argument("--max-page-size", type=int, default=0)
    p.add_argument("--ignore-page-size", action="store_true")
    p.add_argument("--total-count", default="orders",
                   choices=["orders", "certs", "missing", "low", "high"])
    p.add_argument("--retry-after", type=int, default=None,
                   help="add Retry-After: N to scenario error answers")
    p.add_argument("--redirect-to",
                   default="http://127.0.0.1:9" + API_PATH,
                   help="Location of the redirect scenario")
    p.add_argument("--lifetime", type=float, default=120.0,
                   help="stop by itself after this many seconds")
    p.add_argument("--cache-pages", action="store_true",
                   help="render each page once and serve the same bytes afterwards "
                        "(dates frozen at the first request; for benchmarks)")
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    return p


def main(argv=None):
    args = build_arg_parser().parse_args(argv)
    cfg = Config()
    cfg.verbose = args.verbose
    cfg.access_key = args.access_key
    cfg.secret = DEFAULT_SECRET
    if args.secret_key_file:
        with open(args.secret_key_file, encoding="utf-8") as fh:
            cfg.secret = fh.read().rstrip("\r\n")
    cfg.account = {"orders": []}
    if args.account:
        with open(args.account, encoding="utf-8") as fh:
            cfg.account = json.load(fh)
    try:
        parse_scenario(args.scenario, cfg)
    except ValueError as e:
        sys.stderr.write("ncp_mock: %s\n" % e)
        return 2
    cfg.request_log = args.request_log
    cfg.max_page_size = args.max_page_size
    cfg.ignore_page_size = args.ignore_page_size
    cfg.total_count = args.total_count
    cfg.retry_after = args.retry_after
    cfg.redirect_to = args.redirect_to
    cfg.cache_pages = args.cache_pages

    tls_ctx = None
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            sys.stderr.write("ncp_mock: --tls-cert and --tls-key go together\n")
            return 2
        tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_ctx.load_cert_chain(args.tls_cert, args.tls_key)

    server = MockServer((args.host, args.port), Handler, cfg, tls_ctx)
    port = server.server_address[1]

    def on_signal(signum, frame):
        server.stop_event.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.pid_file:
        write_atomic(args.pid_file, "%d\n" % os.getpid())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    if args.port_file:
        write_atomic(args.port_file, "%d\n" % port)
    if cfg.verbose:
        sys.stderr.write("ncp_mock: listening on %s://%s:%d (scenario %s)\n"
                         % ("https" if tls_ctx else "http", args.host, port, args.scenario))

    server.stop_event.wait(args.lifetime if args.lifetime > 0 else None)
    server.stop_event.set()
    server.shutdown()
    server.server_close()
    if server.log_fh:
        server.log_fh.close()
    if args.pid_file:
        try:
            os.unlink(args.pid_file)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
