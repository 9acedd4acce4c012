"""End-to-end test harness for check_ncp_advanced_certs.

Python 3 standard library only.  Pieces:

  Mock(...)          context manager: starts tests/mock/ncp_mock.py on
                     127.0.0.1, a free port; `with Mock(...) as m:` gives an
                     object with .url (the base URL), .port, .requests()
                     (the parsed request log) and .stderr(); always stopped
                     by PID on exit.
  run_plugin(args, env=None, input=None, timeout=30)
                     runs $PLUGIN; returns Result(code, stdout, stderr,
                     elapsed), which also unpacks as a 4-tuple.
  test_ca()          a test CA and a server certificate for 127.0.0.1 and
                     localhost, made once per run with the openssl CLI.
  Tap                TAP emitter: Tap.test(name)(fn) registers a case,
                     Tap.run() runs them, prints `ok N - ...` / `not ok N - ...`
                     with `# ...` diagnostics and `1..N`, exits 0 if all passed.
  parse_output(), parse_perfdata()
                     split the plugin's answer into status line, long output
                     and perfdata.

Environment:
  PLUGIN       the plugin binary (default: ../plugins/check_ncp_advanced_certs
               or plugins/check_ncp_advanced_certs from the build directory)
  MOCK         tests/mock/ncp_mock.py (default: found via $top_srcdir,
               $srcdir or this file's own location)
  srcdir, top_srcdir   as automake sets them (out-of-tree builds)
  E2E_KEEP_TMP=1       keep the temporary directory (printed as a diagnostic)
  E2E_VERBOSE=1        print every plugin run as diagnostics
  E2E_VALGRIND=1       run every run_plugin() under valgrind (memcheck, definite
                       leaks are errors); a run whose log shows an error or a
                       definitely lost block fails the current case with the
                       log excerpt.  TIME_SLACK (added to every elapsed-time
                       bound and to the harness' own run timeouts) is then 3 s
                       (E2E_TIME_SLACK=S overrides it in either mode).
"""

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN_NAME = "check_ncp_advanced_certs"
ACCESS_KEY = "DEMOACCESSKEY0000001"
SECRET = "demo-secret-key-not-a-real-one"

VALGRIND = os.environ.get("E2E_VALGRIND", "") not in ("", "0")
# Added to every elapsed-time bound in the tests and to the harness' own
# subprocess timeouts: valgrind starts slowly and runs the plugin ~20x slower.
TIME_SLACK = float(os.environ.get("E2E_TIME_SLACK") or (3.0 if VALGRIND else 0.0))


# ------------------------------------------------------------------ paths


def _first_existing(paths):
    for p in paths:
        if p and os.path.exists(p):
            return os.path.abspath(p)
    return None


def mock_dir():
    """tests/mock in the source tree, for out-of-tree builds too."""
    cands = []
    if os.environ.get("MOCK"):
        cands.append(os.environ["MOCK"])
    for var, rel in (("top_srcdir", "tests/mock"), ("srcdir", "tests/mock"), ("srcdir", "mock"),
                     ("srcdir", "../mock")):
        base = os.environ.get(var)
        if base:
            cands.append(os.path.join(base, rel, "ncp_mock.py"))
    cands.append(os.path.join(HERE, "..", "mock", "ncp_mock.py"))
    found = _first_existing(cands)
    if not found:
        raise RuntimeError("cannot find tests/mock/ncp_mock.py (set srcdir or MOCK)")
    return os.path.dirname(found)


def mock_path():
    return os.environ.get("MOCK") or os.path.join(mock_dir(), "ncp_mock.py")


def fixture(name):
    """A committed fixture, e.g. fixture('accounts/demo.json')."""
    return os.path.join(mock_dir(), name)


def plugin_path():
    p = os.environ.get("PLUGIN")
    if p:
        return os.path.abspath(p)
    cands = [os.path.join("..", "plugins", PLUGIN_NAME),
             os.path.join("plugins", PLUGIN_NAME)]
    tb = os.environ.get("top_builddir")
    if tb:
        cands.insert(0, os.path.join(tb, "plugins", PLUGIN_NAME))
    cands.append(os.path.join(HERE, "..", "..", "plugins", PLUGIN_NAME))
    return _first_existing(cands) or os.path.abspath(cands[-1])


def import_mock_modules():
    """Make ncp_mock and gen_account importable; returns (ncp_mock, gen_account)."""
    d = mock_dir()
    if d not in sys.path:
        sys.path.insert(0, d)
    import gen_account  # noqa: E402
    import ncp_mock  # noqa: E402
    return ncp_mock, gen_account


# ------------------------------------------------------------------ temp dir

_TMP = None


def tmpdir():
    """One temporary directory per test run, removed at exit."""
    global _TMP
    if _TMP is None:
        _TMP = tempfile.mkdtemp(prefix="ncp-e2e-")
        if os.environ.get("E2E_KEEP_TMP"):
            print("# temporary files kept in %s" % _TMP, flush=True)
        else:
            atexit.register(shutil.rmtree, _TMP, True)
    return _TMP


_COUNTER = [0]


def tmpfile(stem, content=None, mode=0o600):
    """A fresh path in the run's temp dir; written if content is given."""
    _COUNTER[0] += 1
    path = os.path.join(tmpdir(), "%03d-%s" % (_COUNTER[0], stem))
    if content is not None:
        data = content.encode() if isinstance(content, str) else content
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    return path


def write_json(stem, obj):
    return tmpfile(stem, json.dumps(obj))


def secret_file(secret=SECRET):
    return tmpfile("secret", secret + "\n")


# ------------------------------------------------------------------ mock


class Mock:
    """Runs ncp_mock.py for the duration of a `with` block.

    Mock(account=dict-or-path, scenario="ok", tls=False, secret=..., access_key=...,
         extra=[...more ncp_mock options...], lifetime=120)
    """

    def __init__(self, account=None, scenario=None, tls=False, secret=None, access_key=None,
                 extra=None, lifetime=None, start_timeout=5.0):
        self.account = account
        self.scenario = scenario
        self.tls = tls
        self.secret = secret
        self.access_key = access_key
        self.extra = list(extra or [])
        # the mock stops by itself; cases run much longer under valgrind
        self.lifetime = lifetime if lifetime is not None else (600 if VALGRIND else 120)
        self.start_timeout = start_timeout
        self.proc = None
        self.port = None
        self.url = None

    def __enter__(self):
        self.port_file = tmpfile("mock.port")
        self.pid_file = tmpfile("mock.pid")
        self.log_path = tmpfile("mock-requests.jsonl")
        self.stderr_path = tmpfile("mock.stderr")
        args = [sys.executable, mock_path(), "--host", "127.0.0.1", "--port", "0",
                "--port-file", self.port_file, "--pid-file", self.pid_file,
                "--request-log", self.log_path, "--lifetime", str(self.lifetime)]
        if self.account is not None:
            path = self.account if isinstance(self.account, str) else write_json(
                "account.json", self.account)
            args += ["--account", path]
        if self.scenario:
            args += ["--scenario", self.scenario]
        if self.secret is not None:
            args += ["--secret-key-file", secret_file(self.secret)]
        if self.access_key is not None:
            args += ["--access-key", self.access_key]
        if self.tls:
            ca = test_ca()
            args += ["--tls-cert", ca["server_cert"], "--tls-key", ca["server_key"]]
        args += self.extra
        open(self.log_path, "w").close()
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._err,
                                     stderr=self._err)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if os.path.exists(self.port_file):
                with open(self.port_file) as fh:
                    text = fh.read().strip()
                if text.isdigit():
                    self.port = int(text)
                    break
            if self.proc.poll() is not None:
                self._cleanup()
                raise RuntimeError("mock exited with %s: %s" % (self.proc.returncode,
                                                                 self.stderr()))
            if time.monotonic() > deadline:
                self._stop()
                raise RuntimeError("mock did not start within %.0f s: %s"
                                   % (self.start_timeout, self.stderr()))
            time.sleep(0.02)
        self.url = "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)
        return self

    def __exit__(self, *exc):
        self._stop()
        return False

    def _stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._cleanup()

    def _cleanup(self):
        try:
            self._err.close()
        except Exception:
            pass

    def requests(self):
        """The request log: a list of dicts, one per request received."""
        out = []
        try:
            with open(self.log_path, encoding="utf-8") as fh:
                for line in fh:
                    line = line.strip()
                    if line:
                        out.append(json.loads(line))
        except FileNotFoundError:
            pass
        return out

    def stderr(self):
        try:
            with open(self.stderr_path, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except FileNotFoundError:
            return ""


# ------------------------------------------------------------------ plugin


class Result(tuple):
    """(code, stdout, stderr, elapsed) with names."""

    def __new__(cls, code, stdout, stderr, elapsed, args=None, timed_out=False,
                stdout_bytes=None, stderr_bytes=None):
        r = super().__new__(cls, (code, stdout, stderr, elapsed))
        r.code, r.stdout, r.stderr, r.elapsed = code, stdout, stderr, elapsed
        r.args = args
        r.timed_out = timed_out
        # the bytes as written, before decoding (for UTF-8 validity checks)
        r.stdout_bytes = stdout.encode() if stdout_bytes is None else stdout_bytes
        r.stderr_bytes = stderr.encode() if stderr_bytes is None else stderr_bytes
        r.valgrind_log = None
        return r

    @property
    def output(self):
        return self.stdout + self.stderr

    def describe(self):
        lines = ["command: %s" % " ".join(_shquote(a) for a in (self.args or [])),
                 "exit: %s%s  elapsed: %.2f s" % (self.code, " (killed: run timeout)"
                                                  if self.timed_out else "", self.elapsed)]
        for label, text in (("stdout", self.stdout), ("stderr", self.stderr)):
            tl = text.splitlines()
            if len(tl) > 40:
                tl = tl[:30] + ["... (%d more lines)" % (len(tl) - 30)]
            lines.append("%s:%s" % (label, "" if tl else " (empty)"))
            lines += ["  " + t[:400] for t in tl]
        return "\n".join(lines)


def _shquote(s):
    return s if re.fullmatch(r"[\w@%+=:,./-]+", s) else "'" + s.replace("'", "'\\''") + "'"


SCRUB_PREFIXES = ("NCLOUD_",)
SCRUB_NAMES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
               "all_proxy", "NO_PROXY", "no_proxy", "CURL_CA_BUNDLE", "SSL_CERT_FILE",
               "SSL_CERT_DIR", "CURL_HOME")


def clean_env(extra=None):
    """The environment for a plugin run: HOME = an empty temp dir, no NCLOUD_*,
    no proxies, no CA overrides, C locale, plus extra (None values delete)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(SCRUB_PREFIXES) and k not in SCRUB_NAMES}
    home = os.path.join(tmpdir(), "home-%d" % _COUNTER[0])
    _COUNTER[0] += 1
    os.makedirs(home, exist_ok=True)
    env["HOME"] = home
    env["LC_ALL"] = "C"
    env["TZ"] = "UTC"
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


LAST_RESULTS = []

# ------------------------------------------------------------------ valgrind

# Problems found in valgrind logs since the current case started; Tap.run
# fails the case when this is not empty (a case cannot swallow them).
VALGRIND_PROBLEMS = []
_VG_RUNS = [0]
VG_ERRORS_RE = re.compile(r"ERROR SUMMARY: (\d+) errors?")
VG_DEFLOST_RE = re.compile(r"definitely lost: ([\d,]+) bytes in ([\d,]+) blocks")


def valgrind_prefix(log_dir):
    """The valgrind command line that a plugin run is wrapped in."""
    return ["valgrind", "--error-exitcode=1", "--leak-check=full",
            "--errors-for-leak-kinds=definite", "--track-fds=no",
            "--log-file=%s" % os.path.join(log_dir, "vg-%p.log")]


def valgrind_wrap(argv):
    """(argv under valgrind, log dir) in valgrind mode, else (argv, None)."""
    if not VALGRIND:
        return argv, None
    _VG_RUNS[0] += 1
    log_dir = os.path.join(tmpdir(), "valgrind", "run-%04d" % _VG_RUNS[0])
    os.makedirs(log_dir, exist_ok=True)
    return valgrind_prefix(log_dir) + argv, log_dir


def valgrind_problems(log_dir):
    """Excerpts of the valgrind logs in log_dir that show errors or a
    definitely lost block; [] when clean."""
    problems = []
    if not log_dir or not os.path.isdir(log_dir):
        return problems
    for name in sorted(os.listdir(log_dir)):
        with open(os.path.join(log_dir, name), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        bad = [m for m in VG_ERRORS_RE.finditer(text) if int(m.group(1)) > 0]
        lost = [m for m in VG_DEFLOST_RE.finditer(text)
                if int(m.group(1).replace(",", "")) > 0]
        if bad or lost or re.search(r"blocks are definitely lost", text):
            lines = [l for l in text.splitlines()
                     if not re.match(r"==\d+== (Memcheck, |Copyright |Using Valgrind|Parent PID|"
                                     r"For lists of|Use --track-origins|$)", l)]
            if len(lines) > 80:
                lines = lines[:70] + ["... (%d more lines)" % (len(lines) - 70)]
            problems.append("%s:\n%s" % (name, "\n".join(lines)))
    return problems


def run_plugin(args, env=None, input=None, timeout=30, clean=True):
    """Run $PLUGIN args; env is added to clean_env() (or used as is if
    clean=False). Returns Result(code, stdout, stderr, elapsed).
    In valgrind mode (E2E_VALGRIND=1) the run is wrapped in valgrind and its
    log checked; the timeout grows by TIME_SLACK."""
    argv = [plugin_path()] + [str(a) for a in args]
    run_argv, vg_dir = valgrind_wrap(argv)
    full_env = clean_env(env) if clean else env
    data = input.encode() if isinstance(input, str) else input
    t0 = time.monotonic()
    timed_out = False
    proc = subprocess.Popen(run_argv, env=full_env, stdin=subprocess.PIPE if data is not None
                            else subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(data, timeout=timeout + TIME_SLACK)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        out, err = proc.communicate()
    elapsed = time.monotonic() - t0
    code = None if timed_out else proc.returncode
    r = Result(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), elapsed,
               argv, timed_out, out, err)
    if vg_dir:
        r.valgrind_log = vg_dir
        for p in valgrind_problems(vg_dir):
            VALGRIND_PROBLEMS.append("valgrind: %s\n%s" % (" ".join(_shquote(a) for a in argv),
                                                             p))
    LAST_RESULTS.append(r)
    if os.environ.get("E2E_VERBOSE"):
        diag(r.describe())
    return r


# ------------------------------------------------------------------ TLS


_CA = None


def _openssl(*args):
    p = subprocess.run(["openssl"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (" ".join(args), p.stderr.decode()))
    return p.stdout


def test_ca():
    """{'ca_cert','ca_key','server_cert','server_key','other_ca_cert'}: paths,
    made once per run. The server certificate is for 127.0.0.1, ::1 and
    localhost; other_ca_cert is an unrelated CA (for wrong-CA tests)."""
    global _CA
    if _CA is not None:
        return _CA
    d = os.path.join(tmpdir(), "pki")
    os.makedirs(d, exist_ok=True)
    j = lambda n: os.path.join(d, n)  # noqa: E731
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=ncp-e2e test CA", "-keyout", j("ca.key"), "-out", j("ca.pem"),
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=ncp-e2e unrelated CA", "-keyout", j("other-ca.key"),
             "-out", j("other-ca.pem"), "-addext", "basicConstraints=critical,CA:TRUE")
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
             "-keyout", j("server.key"), "-out", j("server.csr"))
    with open(j("server.ext"), "w") as fh:
        fh.write("basicConstraints=CA:FALSE\n"
                 "keyUsage=critical,digitalSignature,keyEncipherment\n"
                 "extendedKeyUsage=serverAuth\n"
                 "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n")
    _openssl("x509", "-req", "-in", j("server.csr"), "-CA", j("ca.pem"), "-CAkey", j("ca.key"),
             "-CAcreateserial", "-days", "2", "-sha256", "-extfile", j("server.ext"),
             "-out", j("server.pem"))
    _CA = {"ca_cert": j("ca.pem"), "ca_key": j("ca.key"), "server_cert": j("server.pem"),
           "server_key": j("server.key"), "other_ca_cert": j("other-ca.pem")}
    return _CA


# ------------------------------------------------------------------ output


STATUS_RE = re.compile(r"^NCP_CERTS (OK|WARNING|CRITICAL|UNKNOWN) - ")
EXIT_OF = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


class Output:
    def __init__(self, text):
        lines = text.splitlines()
        self.first = lines[0] if lines else ""
        m = STATUS_RE.match(self.first)
        self.state = m.group(1) if m else None
        head, sep, perf = self.first.partition(" | ")
        if not sep and self.first.rstrip().endswith(" |"):
            head, perf = self.first.rstrip()[:-2], ""
        self.summary = head
        perf_parts = [perf] if sep else []
        self.long = []
        in_perf = False
        for line in lines[1:]:
            if in_perf:
                perf_parts.append(line)
                continue
            if "|" in line:
                text_part, _, p = line.partition("|")
                if text_part:
                    self.long.append(text_part)
                perf_parts.append(p)
                in_perf = True
            else:
                self.long.append(line)
        self.perf_text = " ".join(perf_parts)
        self.perf = parse_perfdata(self.perf_text)

    def long_with(self, prefix):
        return [l for l in self.long if l.startswith(prefix)]

    def perf_value(self, label):
        return self.perf[label]["value"] if label in self.perf else None


def parse_output(text):
    return Output(text)


PERF_ITEM_RE = re.compile(r"""\s*('(?:[^']|'')+'|[^\s=']+)=(\S*)""")


def parse_perfdata(text):
    """{'label': {'value': float|None, 'uom': str, 'warn': str, 'crit': str,
    'min': str, 'max': str, 'raw': str}}; labels unquoted ('' -> ')."""
    out = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = PERF_ITEM_RE.match(text, pos)
        if not m:
            raise ValueError("bad perfdata near %r" % text[pos:pos + 60])
        pos = m.end()
        label = m.group(1)
        if label.startswith("'"):
            label = label[1:-1].replace("''", "'")
        fields = m.group(2).split(";")
        vm = re.match(r"^(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)(.*)$", fields[0])
        item = {"raw": m.group(0).strip(),
                "value": float(vm.group(1)) if vm else None,
                "uom": vm.group(2) if vm else fields[0]}
        for i, k in enumerate(("warn", "crit", "min", "max"), start=1):
            item[k] = fields[i] if len(fields) > i else ""
        if label in out:
            item["duplicate"] = True
        out[label] = item
    return out


# ------------------------------------------------------------------ TAP


def diag(text):
    for line in str(text).splitlines() or [""]:
        print("# " + line, flush=True)


class Failure(AssertionError):
    pass


class Tap:
    """Collects cases; run() prints TAP and exits."""

    def __init__(self):
        self.cases = []

    def test(self, name, skip_if=None):
        def deco(fn):
            self.cases.append((name, fn, skip_if))
            return fn
        return deco

    def run(self, argv=None):
        argv = sys.argv[1:] if argv is None else argv
        filters = list(argv)
        filters += [f for f in os.environ.get("E2E_FILTER", "").split(",") if f]
        cases = [c for c in self.cases if not filters or any(f in c[0] for f in filters)]
        failed = 0
        n = 0
        for name, fn, skip_if in cases:
            n += 1
            reason = skip_if() if skip_if else None
            if reason:
                print("ok %d - %s # SKIP %s" % (n, name, reason), flush=True)
                continue
            del LAST_RESULTS[:]
            del VALGRIND_PROBLEMS[:]
            t0 = time.monotonic()
            try:
                fn()
                if VALGRIND_PROBLEMS:
                    raise Failure("valgrind found %d problem run(s)" % len(VALGRIND_PROBLEMS))
                print("ok %d - %s" % (n, name), flush=True)
            except Exception as e:  # noqa: BLE001
                failed += 1
                print("not ok %d - %s" % (n, name), flush=True)
                if isinstance(e, AssertionError):
                    diag("failed: %s" % (e,))
                else:
                    diag(traceback.format_exc())
                for p in VALGRIND_PROBLEMS[:3]:
                    diag(p)
                for r in LAST_RESULTS[-3:]:
                    diag(r.describe())
            dt = time.monotonic() - t0
            if dt > 20 + 10 * TIME_SLACK:
                diag("(case took %.1f s)" % dt)
        print("1..%d" % n, flush=True)
        if failed:
            diag("%d of %d failed" % (failed, n))
        return 1 if failed else 0


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def require_plugin():
    """Bail out (TAP) if the plugin binary is missing."""
    p = plugin_path()
    if not os.access(p, os.X_OK):
        print("Bail out! plugin binary not found or not executable: %s (set PLUGIN=...)" % p,
              flush=True)
        sys.exit(99)
    return p
