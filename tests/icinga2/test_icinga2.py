#!/usr/bin/env python3
"""check_ncp_advanced_certs under a real Icinga 2 (TAP).

  PLUGIN=plugins/check_ncp_advanced_certs python3 tests/icinga2/test_icinga2.py [NAME-FILTER...]

Skipped (`1..0 # SKIP`) when icinga2 is not installed (Debian: icinga2-bin,
icinga2-common).  Otherwise it:

  - validates the shipped contrib/icinga2/check_ncp_advanced_certs.conf, and
    the services example next to it, with `icinga2 daemon -C`; if nagios4
    is installed, also contrib/nagios/check_ncp_advanced_certs.cfg with
    `nagios4 -v` (else that one case is a SKIP);
  - starts a private Icinga 2 daemon as the current user: its own config and
    its own config/data/log/cache/spool/run directories under a temp dir
    (-DConfigDir=... and -DRunAsUser/-DRunAsGroup on the command line: 2.13
    drops privileges before it reads any config, so `const RunAsUser` in a
    file is too late), API on 127.0.0.1 and a free port, TLS certificate
    from the harness's test CA; no system service or directory touched;
  - loads the shipped CheckCommand "ncp_certs" unchanged, with PluginDir set
    to the build tree's plugins/ folder, and defines hosts and services that
    use it against tests/mock/ncp_mock.py (credentials from custom variables
    through env, a key file, a credentials file + profile, one service per
    certificate made with `apply Service for`, a shared cache file);
  - forces exactly one check of every service through the REST API (active
    checks are off), then reads back what Icinga 2 made of it: state,
    output, performance data (through the API, parsed by Icinga's own
    parse_performance_data() run inside the daemon, and as Icinga's
    GraphiteWriter sends it to a local sink), and compares with the plugin;
  - checks Icinga's logs: no warning at all, the secret nowhere; the debug
    log shows what Icinga did with the range thresholds;
  - stops the daemon (SIGTERM to its PID, SIGKILL to its own process group
    as a fallback) and checks that no process is left.

Usually 5 s; up to ~16 s when GraphiteWriter's 10 s reconnect timer misses
the first connection.  A watchdog stops everything after
ICINGA2_TEST_TIMEOUT seconds (default 55).  E2E_KEEP_TMP=1 keeps the temp
dir (configs, Icinga's logs) for a look; ICINGA2=/path picks the binary.
"""

import atexit
import base64
import http.client
import json
import os
import pwd
import grp
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
HERE = os.path.dirname(os.path.abspath(__file__))


def _find_harness():
    for var in ("top_srcdir", "srcdir"):
        base = os.environ.get(var)
        if base:
            for rel in ("tests/e2e", "e2e", "../e2e"):
                d = os.path.join(base, rel)
                if os.path.exists(os.path.join(d, "harness.py")):
                    return os.path.abspath(d)
    return os.path.join(HERE, "..", "e2e")


sys.path.insert(0, _find_harness())
import harness  # noqa: E402
from harness import Mock, check, diag  # noqa: E402

SECRET = harness.SECRET
KEY = harness.ACCESS_KEY
DAY = 86400
# Under E2E_VALGRIND=1 the comparison runs of the plugin are much slower.
TIME_LIMIT = float(os.environ.get("ICINGA2_TEST_TIMEOUT")
                   or (55 + (120 if getattr(harness, "VALGRIND", False) else 0)))
STATE_NAMES = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
CONF_NAME = "check_ncp_advanced_certs.conf"
EXAMPLE_NAME = "check_ncp_advanced_certs-services.conf.example"


# ------------------------------------------------------------------ paths


def find_icinga2():
    exe = os.environ.get("ICINGA2")
    if exe:
        return exe if os.access(exe, os.X_OK) else None
    exe = shutil.which("icinga2")
    if exe:
        return exe
    for d in ("/usr/sbin", "/usr/local/sbin", "/sbin"):
        p = os.path.join(d, "icinga2")
        if os.access(p, os.X_OK):
            return p
    return None


def contrib_file(name):
    cands = []
    for var in ("top_srcdir", "srcdir"):
        base = os.environ.get(var)
        if base:
            cands.append(os.path.join(base, "contrib", "icinga2", name))
    cands.append(os.path.join(HERE, "..", "..", "contrib", "icinga2", name))
    for c in cands:
        if os.path.exists(c):
            return os.path.abspath(c)
    raise RuntimeError("cannot find contrib/icinga2/%s (set top_srcdir)" % name)


def istr(s):
    """A string literal of the Icinga 2 DSL."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ------------------------------------------------------------------ fixture


def build_account(now):
    """The demo account (every state) plus a few certificate names that are
    awkward in perfdata labels, with absolute dates fixed at `now` so that
    the plugin's text is the same from one run to the next (only the
    seconds left move).  Days end in .5: "N days" does not flip mid-test."""
    ncp_mock, gen = harness.import_mock_modules()
    acct = gen.demo_account()
    for order in acct["orders"]:
        for c in order["certificates"]:
            if c.get("notAfterDays") is not None:
                c["notAfterDays"] = float(c["notAfterDays"]) + 0.5
    extra = [
        (900101, [gen.cert(100101, "awkward team's shop", 1, 5.5,
                           common_name="team.example.com")]),
        (900102, [gen.cert(100102, "awkward::ops", 1, 6.5, common_name="ops.example.com")]),
        (900103, [gen.cert(100103, "awkward tail", 1, 7.5, common_name="tail.example.com")]),
    ]
    acct["orders"] += gen.account(extra)["orders"]
    acct["orders"] = [ncp_mock.expand_order(o, now) for o in acct["orders"]]
    return acct


# ------------------------------------------------------------------ graphite sink


class GraphiteSink:
    """A Graphite plaintext receiver: keeps every `path value timestamp` line."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.lines = []
        self.connections = 0
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        buf = b""
        conn.settimeout(0.2)
        while not self.stopping:
            try:
                data = conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not data:
                break
            buf += data
            *done, buf = buf.split(b"\n")
            with self.lock:
                self.lines += [l.decode("utf-8", "replace") for l in done if l.strip()]
        conn.close()

    def metrics(self, prefix):
        """{metric path below prefix: float value}, the last one sent."""
        out = {}
        with self.lock:
            lines = list(self.lines)
        for line in lines:
            parts = line.split(" ")
            if len(parts) == 3 and parts[0].startswith(prefix):
                out[parts[0][len(prefix):]] = float(parts[1])
        return out

    def stop(self):
        self.stopping = True
        try:
            self.sock.close()
        except OSError:
            pass


# ------------------------------------------------------------------ Icinga 2


class Icinga:
    """A private Icinga 2: config, dirs, daemon, REST API client."""

    def __init__(self, exe, root):
        self.exe = exe
        self.root = root
        self.dirs = {}
        for name in ("ConfigDir", "DataDir", "LogDir", "CacheDir", "SpoolDir", "InitRunDir"):
            d = os.path.join(root, name.lower())
            os.makedirs(d, exist_ok=True)
            self.dirs[name] = d
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.group = grp.getgrgid(os.getgid()).gr_name
        self.proc = None
        self.env = harness.clean_env()
        self.api_port = None
        self.api_user = "ncp-test"
        self.api_password = secrets.token_hex(16)
        self.cafile = None

    def defines(self):
        d = ["-D%s=%s" % kv for kv in sorted(self.dirs.items())]
        # Also constants of the config, but the daemon drops privileges to
        # RunAsUser/RunAsGroup before it reads the config: set them here.
        d += ["-DRunAsUser=%s" % self.user, "-DRunAsGroup=%s" % self.group]
        return d

    def cli(self, args, timeout=20):
        p = subprocess.run([self.exe] + args + self.defines(), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env,
                           timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace")

    def path(self, name, *rel):
        return os.path.join(self.dirs[name], *rel)

    def write(self, rel, text):
        path = os.path.join(self.dirs["ConfigDir"], rel)
        with open(path, "w") as fh:
            fh.write(text)
        return path

    def setup_api_certs(self):
        """The ApiListener's certificate for NodeName "localhost", where the
        2.13 ApiListener looks for it (DataDir/certs/<NodeName>.crt), signed
        by the harness's test CA (openssl; RSA 2048 keeps this fast)."""
        ca = harness.test_ca()
        certs = self.path("DataDir", "certs")
        os.makedirs(certs, exist_ok=True)
        shutil.copy(ca["server_cert"], os.path.join(certs, "localhost.crt"))
        shutil.copy(ca["server_key"], os.path.join(certs, "localhost.key"))
        shutil.copy(ca["ca_cert"], os.path.join(certs, "ca.crt"))
        os.chmod(os.path.join(certs, "localhost.key"), 0o600)
        self.cafile = ca["ca_cert"]

    def start(self, conf, log_name="daemon.out"):
        self.out_path = os.path.join(self.root, log_name)
        out = open(self.out_path, "wb")
        self.proc = subprocess.Popen([self.exe, "daemon", "-c", conf] + self.defines(),
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                     env=self.env, start_new_session=True)
        out.close()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM to the daemon's main process only, then, if it is not gone
        within 15 s, SIGKILL to its process group (it runs in a session of
        its own); returns the exit code.

        Only the main process: since 2.11 it is an "umbrella" that forwards
        SIGTERM to its worker.  Seen with 2.13: after a SIGTERM to the whole
        group (what `timeout` or `kill -- -PGID` do) the worker sometimes
        never shuts down (about 1 run in 5).  Likely cause: the worker acts
        only on a SIGTERM sent by the umbrella, and two SIGTERMs pending at
        once merge into one whose sender may be us."""
        if self.proc is None:
            return None
        pgid = self.proc.pid
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:  # anything left in its group (a stuck worker, a plugin)
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(5)
        return self.proc.returncode

    def output(self):
        try:
            with open(self.out_path, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except (AttributeError, FileNotFoundError):
            return ""

    def log(self, name):
        try:
            with open(self.path("LogDir", name), encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except FileNotFoundError:
            return ""

    # -------------------------------------------------------------- REST API

    def api(self, method, path, body=None, timeout=5):
        ctx = ssl.create_default_context(cafile=self.cafile)
        conn = http.client.HTTPSConnection("127.0.0.1", self.api_port, context=ctx,
                                           timeout=timeout)
        auth = base64.b64encode(("%s:%s" % (self.api_user, self.api_password)).encode()).decode()
        headers = {"Accept": "application/json", "Authorization": "Basic " + auth}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
        finally:
            conn.close()
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = text
        return resp.status, doc

    def wait_api(self, deadline):
        last = None
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError("icinga2 daemon exited with %s:\n%s"
                                   % (self.proc.returncode, self.output()[-3000:]))
            if "critical/ApiListener" in self.output():
                raise RuntimeError("the API did not start (port %s taken?):\n%s"
                                   % (self.api_port, self.output()[-3000:]))
            try:
                status, doc = self.api("GET", "/v1/status/IcingaApplication", timeout=2)
                if status == 200:
                    return doc
                last = "HTTP %s %s" % (status, doc)
            except (OSError, http.client.HTTPException) as e:
                last = repr(e)
            time.sleep(0.2)
        raise RuntimeError("Icinga 2 API not up in time (last: %s):\n%s"
                           % (last, self.output()[-3000:]))

    def services(self, attrs):
        q = "&".join("attrs=%s" % a for a in attrs)
        status, doc = self.api("GET", "/v1/objects/services?" + q)
        check(status == 200, "GET /v1/objects/services: HTTP %s %s" % (status, doc))
        return {r["name"]: r["attrs"] for r in doc["results"]}

    def script(self, code):
        """Run DSL code inside the daemon (what `icinga2 console --connect`
        does); returns the result, serialized by Icinga."""
        status, doc = self.api("POST", "/v1/console/execute-script",
                               {"command": code, "session": "ncp-test", "sandboxed": False})
        check(status == 200, "execute-script: HTTP %s %s" % (status, doc))
        res = doc["results"][0]
        check(res.get("code") == 200, "execute-script %r: %s" % (code, res))
        return res.get("result")


# ------------------------------------------------------------------ the run


class Overtime(Exception):
    """The watchdog (not an OSError: nothing may swallow it)."""


class World:
    """Everything the daemon cases share; built by the first of them."""
    error = None
    built = False
    overtime = False


W = World()
_STACK = []  # things to stop, newest first


def cleanup():
    while _STACK:
        fn = _STACK.pop()
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            diag("cleanup: %r" % (e,))


atexit.register(cleanup)


def plugin_env(extra):
    """The environment of a comparison run: as harness.clean_env()."""
    return harness.clean_env(extra)


def plugin_output_parts(stdout):
    """What Icinga 2 makes of a plugin's stdout (PluginUtility::
    ParseCheckOutput): every line with a '|' followed later by '=' gives its
    text before the '|' and its perfdata after it."""
    text_lines, perf = [], []
    for line in stdout.replace("\r\n", "\n").split("\n"):
        i = line.find("|")
        if i >= 0 and line.find("=", i) >= 0:
            text_lines.append(line[:i])
            perf.append(line[i + 1:])
        else:
            text_lines.append(line)
    return "\n".join(text_lines).strip(), " ".join(perf).strip()


def icinga_split_perfdata(perf):
    """Icinga 2's PluginUtility::SplitPerfdata (2.13), a model to compare
    with: the label runs to the first '=', surrounding quotes are removed
    (a doubled '' inside is kept as is), labels with a space are quoted
    again, and a label with '::' prefixes the labels after it (check_multi)."""
    out = []
    begin = 0
    multi_prefix = ""
    while True:
        eqp = perf.find("=", begin)
        if eqp < 0:
            break
        label = perf[begin:eqp]
        if len(label) > 2 and label[0] == "'" and label[-1] == "'":
            label = label[1:-1]
        multi_index = label.rfind("::")
        if multi_index >= 0:
            multi_prefix = ""
        spq = perf.find(" ", eqp)
        if spq < 0:
            spq = len(perf)
        value = perf[eqp + 1:spq]
        if multi_prefix:
            label = multi_prefix + "::" + label
        out.append(("'%s'=%s" if " " in label else "%s=%s") % (label, value))
        if multi_index >= 0:
            multi_prefix = label[:multi_index]
        begin = spq + 1
    return out


def build_world():
    if W.overtime:
        raise harness.Failure("not run: the test went over its time limit")
    if W.built:
        if W.error:
            raise harness.Failure("no Icinga 2 to ask: its setup failed (see the first failure)")
        return W
    W.built = True
    try:
        _build_world()
    except BaseException as e:
        W.error = e if isinstance(e, Exception) else RuntimeError(repr(e))
        raise
    return W


def _build_world():
    t_start = time.monotonic()
    deadline = t_start + 30
    now = time.time()
    W.icinga = ic = Icinga(ICINGA2, os.path.join(harness.tmpdir(), "icinga2"))
    W.account = build_account(now)

    mock = Mock(account=W.account, lifetime=int(TIME_LIMIT) + 30)
    mock.__enter__()
    _STACK.append(lambda: mock.__exit__(None, None, None))
    W.mock = mock

    sink = GraphiteSink()
    _STACK.append(sink.stop)
    W.sink = sink

    # What the plugin says of the account: the selection of per-certificate
    # services is generated from --json, as the example file shows with jq.
    env = plugin_env({"NCLOUD_ACCESS_KEY_ID": KEY, "NCLOUD_SECRET_ACCESS_KEY": SECRET})
    r = harness.run_plugin(["-u", mock.url, "--json", "-x", "^awkward"], env=env, clean=False)
    check(r.code == 2, "plugin --json on the demo account: exit %s\n%s" % (r.code, r.describe()))
    W.json = json.loads(r.stdout)
    W.per_cert = {str(c["certificateNo"]): c for c in W.json["certificates"] if c["counted"]}
    check(len(W.per_cert) >= 8, "too few certificates in --json: %d" % len(W.per_cert))

    credfile = harness.tmpfile("ncloud-configure",
                               "[DEFAULT]\nncloud_access_key_id = WRONGKEY\n"
                               "ncloud_secret_access_key = wrong\n\n"
                               "[prod]\nncloud_access_key_id = %s\n"
                               "ncloud_secret_access_key = %s\n" % (KEY, SECRET))
    W.credfile = credfile
    W.secret_file = harness.secret_file(SECRET)

    ic.setup_api_certs()
    certs_lines = "\n".join(
        "    %s = { name = %s, common_name = %s }" % (istr(no), istr(c["certificateName"]),
                                                      istr(c["commonName"] or ""))
        for no, c in sorted(W.per_cert.items()))
    for attempt in (1, 2):
        # A free port now may be taken by the time Icinga binds it (tests
        # run in parallel): then the daemon exits, and one more try.
        ic.api_port = free_port()
        conf = CONF_TEMPLATE % {
            "plugin_dir": istr(os.path.dirname(harness.plugin_path())),
            "contrib_conf": istr(CONF),
            "api_port": ic.api_port,
            "api_user": istr(ic.api_user),
            "api_password": istr(ic.api_password),
            "graphite_port": sink.port,
            "endpoint": istr(mock.url),
            "key": istr(KEY),
            "secret": istr(SECRET),
            "credfile": istr(credfile),
            "secret_file": istr(W.secret_file),
            "certificates": certs_lines,
        }
        W.conf = ic.write("icinga2.conf", conf)
        if attempt == 1:
            rc, out = ic.cli(["daemon", "-C", "-c", W.conf])
            check(rc == 0, "test config does not validate (exit %s):\n%s" % (rc, out[-3000:]))
        ic.start(W.conf, "daemon-%d.out" % attempt)
        _STACK.append(ic.stop)
        try:
            ic.wait_api(deadline)
            break
        except RuntimeError:
            if attempt == 2 or "critical/ApiListener" not in ic.output():
                raise
            diag("API port %d taken, trying another" % ic.api_port)
            ic.stop()
    W.t_api_up = time.monotonic()
    # GraphiteWriter connects at start; a result that comes before is dropped.
    while sink.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    W.graphite_connected = sink.connections > 0
    W.t_graphite = time.monotonic()

    # Active checks are off in the test config: exactly one forced check per
    # service, so the results and the mock's request count are deterministic.
    W.t_force = time.time()
    status, doc = ic.api("POST", "/v1/actions/reschedule-check",
                         {"type": "Service", "filter": "true", "force": True,
                          "next_check": W.t_force})
    check(status == 200, "reschedule-check: HTTP %s %s" % (status, doc))
    names = set(ic.services(["name"]))
    W.expected_services = names
    while True:
        svcs = ic.services(["last_check_result", "state", "last_check", "check_command",
                            "vars", "display_name"])
        done = {n for n, a in svcs.items() if a.get("last_check_result")
                and a["last_check_result"].get("execution_start", 0) >= W.t_force - 1}
        if done == names:
            break
        if time.monotonic() > deadline:
            raise RuntimeError("Icinga 2 did not check every service in time; done: %s, "
                               "missing: %s\n%s" % (sorted(done), sorted(names - done),
                                                    ic.output()[-2000:]))
        time.sleep(0.2)
    W.t_checked = time.time()
    W.services = svcs
    diag("Icinga 2 up and %d services checked in %.1f s (API up after %.1f s, "
         "GraphiteWriter connected after %.1f s)" % (len(svcs), time.monotonic() - t_start,
                                                    W.t_api_up - t_start, W.t_graphite - t_start))
    W.icinga_requests = [q for q in mock.requests()
                         if W.t_force - 0.5 <= q.get("t", 0) <= W.t_checked + 0.5]
    # Give the GraphiteWriter's work queue a moment to send.
    want = "icinga2.ncp-account.services.certificates.ncp_certs.perfdata."
    end = time.monotonic() + 5
    while not sink.metrics(want) and time.monotonic() < end and W.graphite_connected:
        time.sleep(0.1)


CONF_TEMPLATE = r"""/* Private Icinga 2 of test_icinga2.py: nothing here touches the system. */
const PluginDir = %(plugin_dir)s
const NodeName = "localhost"
const ZoneName = NodeName
const TicketSalt = ""

include <itl>
/* The shipped CheckCommand, unchanged. */
include %(contrib_conf)s

object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }

object CheckerComponent "checker" { }
object FileLogger "main-log" {
  severity = "information"
  path = LogDir + "/icinga2.log"
}
object FileLogger "debug-log" {
  severity = "debug"
  path = LogDir + "/debug.log"
}
object ApiListener "api" {
  bind_host = "127.0.0.1"
  bind_port = %(api_port)d
  accept_config = false
  accept_commands = false
}
object ApiUser %(api_user)s {
  password = %(api_password)s
  permissions = [ "*" ]
}
object GraphiteWriter "graphite" {
  host = "127.0.0.1"
  port = %(graphite_port)d
  enable_send_thresholds = true
}

template Host "ncp-account-template" {
  check_command = "dummy"
  enable_active_checks = false
  vars.ncp_certs_endpoint = %(endpoint)s
}
template Service "ncp-certs" {
  check_command = "ncp_certs"
  enable_active_checks = false
  check_interval = 5m
  max_check_attempts = 1
}

/* Credentials in custom variables, to the plugin through env. */
object Host "ncp-account" {
  import "ncp-account-template"
  vars.ncp_certs_access_key_id = %(key)s
  vars.ncp_certs_secret_access_key = %(secret)s
}
object Service "certificates" {
  import "ncp-certs"
  host_name = "ncp-account"
  vars.ncp_certs_exclude = [ "^awkward" ]
}
object Service "summary" {
  import "ncp-certs"
  host_name = "ncp-account"
  vars.ncp_certs_exclude = [ "^awkward" ]
  vars.ncp_certs_perfdata = "summary"
  vars.ncp_certs_warning = 25.5
  vars.ncp_certs_critical = "~:10"
}
object Service "awkward-names" {
  import "ncp-certs"
  host_name = "ncp-account"
  vars.ncp_certs_name = [ "^awkward", "^shop-main$$" ]  /* $$: a literal $ (Icinga macros) */
  vars.ncp_certs_verbose = 1
}
object Service "key-file" {
  import "ncp-certs"
  host_name = "ncp-account"
  vars.ncp_certs_secret_access_key = ""
  vars.ncp_certs_secret_key_file = %(secret_file)s
  vars.ncp_certs_certificate_no = [ "100001", "100002" ]
  vars.ncp_certs_status_state = [ "REVOKE=warning", "-3=ignore" ]
  vars.ncp_certs_verbose = 2
}

/* Credentials file and profile (the env variables stay empty); one service
 * per certificate, sharing one API answer through the cache file. */
object Host "ncp-account-file" {
  import "ncp-account-template"
  vars.ncp_certs_credentials_file = %(credfile)s
  vars.ncp_certs_profile = "prod"
  vars.ncp_certificates = {
%(certificates)s
  }
}
apply Service "cert-" for (cert_no => cert in host.vars.ncp_certificates) {
  import "ncp-certs"
  display_name = "Certificate " + cert.name + " (#" + cert_no + ")"
  vars.ncp_certs_certificate_no = cert_no
  vars.ncp_certs_cache_file = CacheDir + "/ncp-certs-" + host.name + ".json"
  vars.ncp_certs_cache_max_age = 600
  assign where host.vars.ncp_certificates
}
"""


# ------------------------------------------------------------------ helpers


def service(name):
    full = name if "!" in name else "ncp-account!" + name
    check(full in W.services, "no service %s in Icinga (have: %s)" % (full, sorted(W.services)))
    return W.services[full]


def result(name):
    cr = service(name)["last_check_result"]
    check(cr is not None, "service %s has no check result" % name)
    return cr


def run_like_icinga(args, extra_env=None):
    env = {"NCLOUD_ACCESS_KEY_ID": KEY, "NCLOUD_SECRET_ACCESS_KEY": SECRET}
    env.update(extra_env or {})
    return harness.run_plugin(["-u", W.mock.url] + args, env=plugin_env(env), clean=False)


def perf_fields(item):
    """'label'=value[uom];warn;crit;min;max -> dict (label unquoted as Icinga
    does: surrounding quotes removed only)."""
    eq = item.rfind("=")
    label, rest = item[:eq], item[eq + 1:]
    if len(label) > 2 and label[0] == "'" and label[-1] == "'":
        label = label[1:-1]
    fields = rest.split(";")
    m = re.match(r"^([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)(.*)$", fields[0])
    f = {"label": label, "value": float(m.group(1)), "uom": m.group(2)}
    for i, k in enumerate(("warn", "crit", "min", "max"), start=1):
        f[k] = fields[i] if len(fields) > i else ""
    return f


UNIT_NAMES = {"": "", "s": "seconds"}  # Icinga 2.12+ normalises units


def expect_parsed(raw_field):
    """What Icinga 2.13's PerfdataValue::Parse keeps of a threshold/min/max
    field: a plain number, else nothing (a range is dropped with a DEBUG line)."""
    if raw_field and re.fullmatch(r"[-+0-9.eE]+", raw_field):
        return float(raw_field)
    return None


def parsed_perfdata(cr):
    """Icinga's own parse of each perfdata item of a check result, run in
    the daemon (parse_performance_data() of the DSL, = PerfdataValue::Parse)."""
    raw = cr["performance_data"]
    code = "[%s]" % ", ".join("parse_performance_data(%s)" % json.dumps(p) for p in raw)
    return raw, W.icinga.script(code)


def value_close(icinga_value, plugin_value, plugin_t):
    """The plugin's value now minus the seconds since Icinga's run."""
    lag = plugin_t - W.t_force
    return -2 <= icinga_value - plugin_value <= lag + 2


# ------------------------------------------------------------------ cases


ICINGA2 = find_icinga2()
tap = harness.Tap()
CONF = None


@tap.test("shipped %s validates with icinga2 daemon -C" % CONF_NAME)
def t_validate():
    root = os.path.join(harness.tmpdir(), "validate")
    ic = Icinga(ICINGA2, root)
    conf = ic.write("icinga2.conf", "const PluginDir = %s\ninclude <itl>\ninclude %s\n"
                    % (istr(os.path.dirname(harness.plugin_path())), istr(CONF)))
    rc, out = ic.cli(["daemon", "-C", "-c", conf])
    check(rc == 0, "icinga2 daemon -C failed (exit %s):\n%s" % (rc, out[-3000:]))
    bad = [l for l in out.splitlines() if re.search(r"\b(warning|critical)/", l)]
    check(not bad, "warnings while validating:\n" + "\n".join(bad))
    rc, listing = ic.cli(["object", "list", "--type", "CheckCommand", "--name", "ncp_certs"])
    check(rc == 0 and "Object 'ncp_certs' of type 'CheckCommand'" in listing,
          "object list does not show ncp_certs:\n" + listing[-2000:])


@tap.test("services example validates: one service per account and per certificate")
def t_example():
    root = os.path.join(harness.tmpdir(), "example")
    ic = Icinga(ICINGA2, root)
    example = contrib_file(EXAMPLE_NAME)
    conf = ic.write("icinga2.conf", "const PluginDir = %s\ninclude <itl>\ninclude %s\ninclude %s\n"
                    % (istr(os.path.dirname(harness.plugin_path())), istr(CONF), istr(example)))
    rc, out = ic.cli(["daemon", "-C", "-c", conf])
    check(rc == 0, "icinga2 daemon -C with the example failed (exit %s):\n%s" % (rc, out[-3000:]))
    bad = [l for l in out.splitlines() if re.search(r"\b(warning|critical)/", l)]
    check(not bad, "warnings while validating the example:\n" + "\n".join(bad))
    rc, listing = ic.cli(["object", "list", "--type", "Service"])
    check(rc == 0, "object list failed:\n" + listing[-2000:])
    names = re.findall(r"Object '([^']+)' of type 'Service'", listing)
    acct = [n for n in names if n.endswith("!ncp-certificates")]
    per_cert = [n for n in names if "!ncp-certificate-" in n]
    check(acct, "no account service ('<host>!ncp-certificates') from the example: %s" % names)
    check(len(per_cert) >= 2, "no per-certificate services ('<host>!ncp-certificate-<no>') "
          "from the example: %s" % names)
    check("ncp_certs_certificate_no" in listing, "per-certificate services do not set "
          "ncp_certs_certificate_no")


NAGIOS_TEMPLATES = """
define timeperiod {
    timeperiod_name 24x7
    alias           24x7
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
    sunday          00:00-24:00
}
define command {
    command_name    notify-none
    command_line    /bin/true
}
define contact {
    contact_name                    nagiosadmin
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       d,u,r
    service_notification_options    w,u,c,r
    host_notification_commands      notify-none
    service_notification_commands   notify-none
}
define contactgroup {
    contactgroup_name   admins
    members             nagiosadmin
}
define host {
    name                    generic-host
    check_period            24x7
    notification_period     24x7
    notification_interval   60
    register                0
}
define service {
    name                    generic-service
    check_period            24x7
    notification_period     24x7
    notification_interval   60
    contact_groups          admins
    register                0
}
"""


def find_nagios():
    for name in ("nagios4", "nagios"):
        exe = shutil.which(name)
        if exe:
            return exe
    for p in ("/usr/sbin/nagios4", "/usr/sbin/nagios", "/usr/local/nagios/bin/nagios"):
        if os.access(p, os.X_OK):
            return p
    return None


def nagios_commands(cfg_text):
    """{command_name: command_line} of a Nagios object file."""
    out = {}
    for body in re.findall(r"define\s+command\s*\{(.*?)\}", cfg_text, re.S):
        name = re.search(r"^\s*command_name\s+(\S+)", body, re.M)
        line = re.search(r"^\s*command_line\s+(.+?)\s*$", body, re.M)
        if name and line:
            out[name.group(1)] = line.group(1)
    return out


@tap.test("Nagios definitions: nagios -v passes; the command lines run the plugin",
          skip_if=lambda: None if find_nagios() else "nagios4 not installed")
def t_nagios():
    cfg = contrib_file(os.path.join("..", "nagios", "check_ncp_advanced_certs.cfg"))
    root = os.path.join(harness.tmpdir(), "nagios")
    os.makedirs(os.path.join(root, "checkresults"), exist_ok=True)
    plugin_dir = os.path.dirname(harness.plugin_path())
    with open(os.path.join(root, "templates.cfg"), "w") as fh:
        fh.write(NAGIOS_TEMPLATES)
    with open(os.path.join(root, "resource.cfg"), "w") as fh:
        fh.write("$USER1$=%s\n" % plugin_dir)
    main_cfg = os.path.join(root, "nagios.cfg")
    with open(main_cfg, "w") as fh:
        fh.write("\n".join("%s=%s" % kv for kv in [
            ("log_file", os.path.join(root, "nagios.log")),
            ("cfg_file", os.path.join(root, "templates.cfg")),
            ("cfg_file", cfg),
            ("resource_file", os.path.join(root, "resource.cfg")),
            ("status_file", os.path.join(root, "status.dat")),
            ("temp_file", os.path.join(root, "nagios.tmp")),
            ("temp_path", root),
            ("lock_file", os.path.join(root, "nagios.lock")),
            ("check_result_path", os.path.join(root, "checkresults")),
            ("nagios_user", pwd.getpwuid(os.getuid()).pw_name),
            ("nagios_group", grp.getgrgid(os.getgid()).gr_name),
            ("illegal_macro_output_chars", "`~$&|'\"<>"),
        ]) + "\n")
    p = subprocess.run([find_nagios(), "-v", main_cfg], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20,
                       env=harness.clean_env())
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0 and re.search(r"Total Warnings:\s+0", out)
          and re.search(r"Total Errors:\s+0", out), "nagios -v (exit %s):\n%s"
          % (p.returncode, out[-3000:]))
    with open(cfg) as fh:
        commands = nagios_commands(fh.read())
    ours = {n: l for n, l in commands.items() if harness.PLUGIN_NAME in l}
    check(set(ours) == {"check_ncp_certs", "check_ncp_certs_profile"}, "commands %s" % ours)
    for line in ours.values():
        check(line.startswith("$USER1$/" + harness.PLUGIN_NAME + " "), "command_line %r" % line)
        check("-w $ARG1$ -c $ARG2$" in line, "thresholds not -w $ARG1$ -c $ARG2$: %r" % line)
        check(not re.search(r"secret|NCLOUD", line, re.I), "a secret on the command line: %r"
              % line)
    # The command lines as Nagios would run them (macros filled in), plus the
    # mock's URL: the options they pass are the plugin's.
    credfile = harness.tmpfile("nagios-ncloud-configure",
                               "[staging]\nncloud_access_key_id = %s\n"
                               "ncloud_secret_access_key = %s\n" % (KEY, SECRET))
    macros = {"$USER1$": plugin_dir, "$ARG1$": "30", "$ARG2$": "14", "$ARG3$": credfile,
              "$ARG4$": "staging"}
    with Mock(account=harness.fixture("accounts/demo.json")) as m:
        for name, env in (("check_ncp_certs", {"NCLOUD_ACCESS_KEY_ID": KEY,
                                               "NCLOUD_SECRET_ACCESS_KEY": SECRET}),
                          ("check_ncp_certs_profile", {})):
            line = ours[name]
            for k, v in macros.items():
                line = line.replace(k, v)
            argv = line.split()
            check(argv[0] == harness.plugin_path(), "%s runs %s" % (name, argv[0]))
            r = harness.run_plugin(argv[1:] + ["-u", m.url], env=env)
            check(r.code == 2 and r.stdout.startswith("NCP_CERTS CRITICAL - "),
                  "%s: %s" % (name, r.describe()))


@tap.test("CheckCommand: every --help option is an argument with a description; env")
def t_command_mapping():
    build_world()
    status, doc = W.icinga.api("GET", "/v1/objects/checkcommands/ncp_certs")
    check(status == 200, "GET checkcommands/ncp_certs: HTTP %s %s" % (status, doc))
    attrs = doc["results"][0]["attrs"]
    args = attrs["arguments"]
    r = harness.run_plugin(["--help"])
    longs = sorted(set(re.findall(r"(?m)^\s+(?:-\w, )?(--[a-z][a-z-]*)", r.stdout)))
    check(len(longs) > 25, "could not read the options from --help:\n" + r.stdout)
    missing = [o for o in longs if o not in ("--help", "--version", "--verbose")
               and o not in args]
    check(not missing, "options of --help without an argument: %s" % missing)
    check(all(k in args for k in ("-v", "-vv", "-vvv")), "verbosity levels not mapped")
    for key, a in sorted(args.items()):
        check(isinstance(a, dict) and a.get("description"), "%s: no description" % key)
        check(a.get("value") is not None or a.get("set_if") is not None,
              "%s: neither value nor set_if" % key)
        if a.get("value") is not None and isinstance(a["value"], str):
            check(a["value"].startswith("$ncp_certs_"), "%s: value %r not a ncp_certs_ var"
                  % (key, a["value"]))
    for flag in ("--insecure", "--include-superseded", "--list", "--json"):
        check(args[flag].get("set_if") and args[flag].get("value") is None,
              "%s should be a set_if flag: %s" % (flag, args[flag]))
    for rep in ("--name", "--domain", "--certificate-no", "--exclude", "--status-state"):
        check(args[rep].get("repeat_key") is True, "%s: repeat_key not true" % rep)
    used = [k for k, a in args.items() if "$ncp_certs_secret_access_key$" in json.dumps(a)]
    check(not used, "the secret key variable is used in arguments %s" % used)
    env = attrs["env"]
    check(env == {"NCLOUD_ACCESS_KEY_ID": "$ncp_certs_access_key_id$",
                  "NCLOUD_SECRET_ACCESS_KEY": "$ncp_certs_secret_access_key$",
                  "NCLOUD_PROFILE": "$ncp_certs_profile$"}, "env: %s" % env)
    v = attrs["vars"]
    check(v.get("ncp_certs_warning") == 30 and v.get("ncp_certs_critical") == 14,
          "default thresholds: %s" % v)
    check(attrs["command"] == [os.path.join(os.path.dirname(harness.plugin_path()),
                                            harness.PLUGIN_NAME)],
          "command: %s" % attrs["command"])


@tap.test("account service: Icinga's state and output are the plugin's")
def t_account_state():
    build_world()
    cr = result("certificates")
    r = run_like_icinga(["-x", "^awkward"])
    text, perf = plugin_output_parts(r.stdout)
    check(cr["exit_status"] == r.code == 2, "exit: Icinga %s, plugin %s" % (cr["exit_status"],
                                                                             r.code))
    check(cr["state"] == r.code, "Icinga state %s, plugin exit %s" % (cr["state"], r.code))
    check(service("certificates")["state"] == 2, "service state %s" % service("certificates")["state"])
    check(cr["output"] == text, "output differs:\nIcinga: %r\nplugin: %r" % (cr["output"], text))
    check(cr["output"].startswith("NCP_CERTS CRITICAL - 4 critical, 2 warning, 1 unknown, 3 ok "
                                  "(10 certificates)"), "summary: %r" % cr["output"][:200])
    check(cr["command"][0].endswith("/" + harness.PLUGIN_NAME), "command %s" % cr["command"])
    W.account_plugin_run = (r, time.time())


@tap.test("account service: every perfdata label, value, unit, min and threshold as Icinga parsed it")
def t_account_perfdata():
    build_world()
    cr = result("certificates")
    r, t_plugin = getattr(W, "account_plugin_run", (None, None))
    if r is None:
        r, t_plugin = run_like_icinga(["-x", "^awkward"]), time.time()
    _, plugin_perf = plugin_output_parts(r.stdout)
    plugin_items = icinga_split_perfdata(plugin_perf)
    raw, parsed = parsed_perfdata(cr)
    check(len(raw) == len(plugin_items) == 10, "perfdata items: Icinga %d, plugin %d: %s"
          % (len(raw), len(plugin_items), raw))
    ranges_seen = 0
    for got, mine, pv in zip(raw, plugin_items, parsed):
        g, m = perf_fields(got), perf_fields(mine)
        check(g["label"] == m["label"], "label %r, plugin %r" % (g["label"], m["label"]))
        for k in ("uom", "warn", "crit", "min", "max"):
            check(g[k] == m[k], "%s: %s %r, plugin %r" % (g["label"], k, g[k], m[k]))
        if g["uom"] == "s":
            check(value_close(g["value"], m["value"], t_plugin),
                  "%s: Icinga value %s, plugin %s (%.0f s later)"
                  % (g["label"], g["value"], m["value"], t_plugin - W.t_force))
        else:
            check(g["value"] == m["value"], "%s: %s, plugin %s" % (g["label"], g["value"],
                                                                   m["value"]))
        # Icinga's own parse, in the daemon
        check(pv.get("type") == "PerfdataValue", "parse_performance_data: %r" % (pv,))
        check(pv["label"] == g["label"], "parsed label %r, raw %r" % (pv["label"], g["label"]))
        check(pv["value"] == g["value"], "%s: parsed value %r, raw %r"
              % (g["label"], pv["value"], g["value"]))
        check(pv["unit"] == UNIT_NAMES[g["uom"]], "%s: unit %r from %r"
              % (g["label"], pv["unit"], g["uom"]))
        check(pv["counter"] is False, "%s: counter %r" % (g["label"], pv["counter"]))
        for k in ("warn", "crit", "min", "max"):
            check(pv[k] == expect_parsed(g[k]), "%s: parsed %s %r from %r"
                  % (g["label"], k, pv[k], g[k]))
        if re.search(r":", g["warn"] + g["crit"]):
            ranges_seen += 1
    # What that means, pinned down: counts carry min 0 and no thresholds;
    # seconds-left values carry the range thresholds, which Icinga drops.
    by_label = {pv["label"]: pv for pv in parsed}
    for lbl in ("certificates", "ok", "warning", "critical", "unknown"):
        check(by_label[lbl]["min"] == 0 and by_label[lbl]["warn"] is None,
              "%s: %r" % (lbl, by_label[lbl]))
    oc = by_label["old-campaign"]
    check(oc["unit"] == "seconds" and -2.0 * DAY - 120 < oc["value"] < -1.0 * DAY,
          "old-campaign: %r" % (oc,))
    check(oc["warn"] is None and oc["crit"] is None, "old-campaign thresholds: %r" % (oc,))
    check(ranges_seen == 5, "expected 5 values with range thresholds, saw %d" % ranges_seen)
    diag("Icinga 2 keeps e.g. %s as label=%r value=%r unit=%r warn=%r crit=%r min=%r"
         % (raw[5], oc["label"], oc["value"], oc["unit"], oc["warn"], oc["crit"], oc["min"]))


@tap.test("--perfdata summary, -w 25.5 -c ~:10: min_left and the thresholds as Icinga passes and parses them")
def t_summary():
    build_world()
    cr = result("summary")
    raw, parsed = parsed_perfdata(cr)
    labels = [p["label"] for p in parsed]
    check(labels == ["certificates", "ok", "warning", "critical", "unknown", "min_left"],
          "labels %s" % labels)
    ml = parsed[-1]
    f = perf_fields(raw[-1])
    check(ml["unit"] == "seconds" and ml["value"] == f["value"] and ml["value"] < 0,
          "min_left: %r from %r" % (ml, raw[-1]))
    check(f["warn"] == "2203200:" and ml["warn"] is None, "warning 25.5 days: raw %r, "
          "Icinga %r" % (f["warn"], ml["warn"]))
    # -c ~:10 is "alert above 10 days": a range too, so also dropped.
    check(f["crit"] == "~:864000" and ml["crit"] is None, "critical ~:10: raw %r, Icinga %r"
          % (f["crit"], ml["crit"]))
    check(cr["output"].startswith("NCP_CERTS CRITICAL - "), "output %r" % cr["output"][:120])
    # Icinga passes a number custom variable as "%f": 25.5 -> "25.500000".
    cmd = cr["command"]
    check(cmd[cmd.index("--warning") + 1] == "25.500000" and
          cmd[cmd.index("--critical") + 1] == "~:10", "thresholds passed as %s" % cmd)


@tap.test("awkward certificate names: what Icinga 2 does with the labels")
def t_awkward():
    build_world()
    cr = result("awkward-names")
    r = run_like_icinga(["-n", "^awkward", "-n", "^shop-main$", "-v"])
    text, perf = plugin_output_parts(r.stdout)
    check(cr["output"] == text, "output differs:\nIcinga: %r\nplugin: %r" % (cr["output"], text))
    check(cr["state"] == r.code == 2, "state %s, plugin %s" % (cr["state"], r.code))
    raw, parsed = parsed_perfdata(cr)
    model = icinga_split_perfdata(perf)
    check([perf_fields(x)["label"] for x in raw] == [perf_fields(x)["label"] for x in model],
          "Icinga's labels %s, model of SplitPerfdata %s" % (raw, model))
    labels = [p["label"] for p in parsed]
    plugin_labels = [perf_fields(x)["label"].replace("''", "'")
                     for x in re.findall(r"'(?:[^']|'')*'=\S+|\S+=\S+", perf)]
    diag("plugin labels: %s" % plugin_labels)
    diag("Icinga labels: %s" % labels)
    # A quote in a name: the plugin doubles it (guidelines); Icinga 2.13
    # keeps the doubled quote in the label.
    check("awkward team''s shop" in labels, "quote: %s" % labels)
    # '::' in a name: Icinga takes it for a check_multi prefix and renames
    # every label after it ("awkward tail" -> "awkward::awkward tail").
    if "awkward::ops" in plugin_labels:
        renamed = [l for l in labels if l.startswith("awkward::") and l != "awkward::ops"]
        diag("after the label 'awkward::ops' Icinga renamed: %s" % renamed)
        check(renamed == ["awkward::awkward tail", "awkward::shop-main"],
              "renamed labels: %s" % renamed)
    else:
        check(not [l for l in labels if "::" in l], "'::' in labels: %s" % labels)


@tap.test("key file + repeated --certificate-no/--status-state, -vv: run as configured")
def t_key_file():
    build_world()
    cr = result("key-file")
    cmd = cr["command"]
    check("--access-key" in cmd and cmd[cmd.index("--access-key") + 1] == KEY,
          "--access-key not passed with the key file: %s" % cmd)
    check("--secret-key-file" in cmd, "no --secret-key-file: %s" % cmd)
    check(cmd.count("--certificate-no") == 2 and cmd.count("--status-state") == 2,
          "repeat_key: %s" % cmd)
    check("-vv" in cmd and "-v" not in cmd and "-vvv" not in cmd, "verbosity: %s" % cmd)
    check(SECRET not in " ".join(cmd), "the secret is on the command line")
    check(cr["state"] == 1, "state %s (100002 expires in 20 days: WARNING): %r"
          % (cr["state"], cr["output"][:300]))
    check("--access-key and --secret-key-file" in cr["output"],
          "-vv does not name the key file as the credential source:\n" + cr["output"])
    other = result("certificates")["command"]
    check("--access-key" not in other and "--secret-key-file" not in other
          and "--profile" not in other and "--credentials-file" not in other,
          "credential arguments where none were configured: %s" % other)


@tap.test("one service per certificate (apply for, --certificate-no, credentials file, cache)")
def t_per_cert():
    """Host ncp-account-file sets no ncp_certs_access_key_id/_secret_access_key:
    Icinga 2 then sets NCLOUD_ACCESS_KEY_ID and NCLOUD_SECRET_ACCESS_KEY to
    empty strings (an unresolved macro in `env` gives ""), which the plugin
    must treat as unset and go on to --credentials-file --profile prod (the
    DEFAULT profile there holds a wrong key)."""
    build_world()
    prefix = "ncp-account-file!cert-"
    got = {n[len(prefix):]: a for n, a in W.services.items() if n.startswith(prefix)}
    check(sorted(got) == sorted(W.per_cert), "per-certificate services %s, --json has %s"
          % (sorted(got), sorted(W.per_cert)))
    for no, c in sorted(W.per_cert.items()):
        a = got[no]
        cr = a["last_check_result"]
        want = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}[c["state"]]
        check(cr["state"] == want, "#%s %s: Icinga state %s, --json state %s; output %r"
              % (no, c["certificateName"], cr["state"], c["state"], cr["output"][:300]))
        check("(#%s)" % no in cr["output"] or c["state"] == "OK",
              "#%s not named in %r" % (no, cr["output"][:300]))
        raw, parsed = parsed_perfdata(cr)
        check(parsed and parsed[0]["label"] == "certificates" and parsed[0]["value"] == 1,
              "#%s: not one certificate: %s" % (no, raw))
        cmd = cr["command"]
        check(cmd[cmd.index("--certificate-no") + 1] == no and "--profile" in cmd
              and cmd[cmd.index("--profile") + 1] == "prod", "#%s command %s" % (no, cmd))
        check(a["display_name"] == "Certificate %s (#%s)" % (c["certificateName"], no),
              "display_name %r" % a["display_name"])
        if c["secondsLeft"] is not None and c["counted"] and c["statusName"].startswith("NORMAL"):
            check(len(parsed) == 6 and parsed[-1]["label"] == c["certificateName"]
                  and parsed[-1]["unit"] == "seconds", "#%s perfdata %s" % (no, raw))
    cache = W.icinga.path("CacheDir", "ncp-certs-ncp-account-file.json")
    check(os.path.exists(cache), "no cache file %s" % cache)
    check(os.stat(cache).st_mode & 0o077 == 0, "cache file mode %o" % os.stat(cache).st_mode)


@tap.test("API calls: one per service, all signed; the per-certificate services share one")
def t_requests():
    build_world()
    reqs = W.icinga_requests
    direct = len([n for n in W.services if not n.startswith("ncp-account-file!")])
    diag("mock: %d requests while Icinga checked %d services (%d per certificate)"
         % (len(reqs), len(W.services), len(W.per_cert)))
    bad = [q for q in reqs if not q.get("sig_ok") or q.get("status") != 200]
    check(not bad, "unsigned or failed requests: %s" % bad)
    check(len(reqs) == direct + 1, "%d requests, expected %d: one per service, one for all "
          "per-certificate services (cache file)" % (len(reqs), direct + 1))


@tap.test("GraphiteWriter gets the values Icinga parsed, without the range thresholds")
def t_graphite():
    build_world()
    check(W.graphite_connected, "GraphiteWriter never connected to the sink")
    prefix = "icinga2.ncp-account.services.certificates.ncp_certs.perfdata."
    m = W.sink.metrics(prefix)
    check(m, "nothing sent for the account service; got %s" % W.sink.lines[:20])
    raw, parsed = parsed_perfdata(result("certificates"))
    for pv in parsed:
        key = re.sub(r"[ .\\/]", "_", pv["label"])
        check(m.get(key + ".value") == pv["value"], "%s.value %r, parsed %r"
              % (key, m.get(key + ".value"), pv["value"]))
        for k in ("warn", "crit", "min", "max"):
            if pv[k] is None:
                check(key + "." + k not in m, "%s.%s sent (%r) though Icinga parsed none"
                      % (key, k, m.get(key + "." + k)))
            else:
                check(m.get(key + "." + k) == pv[k], "%s.%s %r, parsed %r"
                      % (key, k, m.get(key + "." + k), pv[k]))
    sent = sorted(k for k in m if k.startswith("old-campaign."))
    diag("Graphite gets for old-campaign only: %s" % sent)


@tap.test("Icinga's log: no perfdata warning; debug log says the ranges are ignored")
def t_logs():
    build_world()
    main = W.icinga.log("icinga2.log")
    debug = W.icinga.log("debug.log")
    check(main and debug, "logs missing in %s" % W.icinga.dirs["LogDir"])
    bad = [l for l in (main + debug).splitlines()
           if re.search(r"\b(warning|critical)/", l)
           and re.search(r"perfdata|PerfdataValue|performance", l, re.I)]
    check(not bad, "perfdata warnings:\n" + "\n".join(bad[:20]))
    others = [l for l in main.splitlines() if re.search(r"\b(warning|critical)/", l)]
    check(not others, "warnings in Icinga's log:\n" + "\n".join(others[:20]))
    ignored = sorted(set(re.findall(r"debug/PerfdataValue: (Ignoring unsupported perfdata "
                                    r"\w+ range, value: '[^']*')", debug)))
    check(ignored, "no 'Ignoring unsupported perfdata ... range' in the debug log")
    check(any("'2592000:'" in l for l in ignored) and any("'1209600:'" in l for l in ignored),
          "the default thresholds are not among the ignored ranges: %s" % ignored)
    for l in ignored:
        diag("debug log: " + l)
    runs = [l for l in debug.splitlines() if "Running command" in l and harness.PLUGIN_NAME in l]
    check(runs, "no 'Running command' in the debug log")
    check(not [l for l in debug.splitlines() if SECRET in l],
          "the secret key appears in Icinga's debug log")


@tap.test("the daemon stops on SIGTERM and leaves no process behind")
def t_stop():
    build_world()
    ic = W.icinga
    check(ic.running(), "daemon no longer running:\n" + ic.output()[-2000:])
    pid = ic.proc.pid
    t0 = time.monotonic()
    rc = ic.stop()
    diag("stopped in %.1f s" % (time.monotonic() - t0))
    check(rc == 0, "daemon exit code %s after SIGTERM:\n%s" % (rc, ic.output()[-2000:]))
    end = time.monotonic() + 5
    while True:
        left = leftover_processes(pid, ic.root, W.mock.url)
        if not left or time.monotonic() > end:
            break
        time.sleep(0.1)
    zombies = [p for p in left if p[1] == "Z"]
    if zombies:
        diag("exited, not yet reaped by init: %s" % zombies)
    left = [p for p in left if p[1] != "Z"]
    check(not left, "processes left: %s" % left)


def leftover_processes(pgid, root, url):
    """(pid, state, cmdline) of processes in the daemon's process group or
    whose command line names its temp dir or the mock's URL."""
    left = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            with open("/proc/%s/stat" % p) as fh:
                stat = fh.read()
            with open("/proc/%s/cmdline" % p, "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid or root in cmd or url in cmd:
            left.append((int(p), state, cmd))
    return left


# ------------------------------------------------------------------ main


def main():
    if ICINGA2 is None:
        print("1..0 # SKIP icinga2 not installed", flush=True)
        return 0
    harness.require_plugin()
    global CONF
    CONF = contrib_file(CONF_NAME)

    def on_alarm(signum, frame):
        W.overtime = True
        raise Overtime("over %.0f s (ICINGA2_TEST_TIMEOUT), stopping" % TIME_LIMIT)

    def on_term(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        return tap.run()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
