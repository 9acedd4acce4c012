#!/usr/bin/env python3
"""--help and the man page document the same long options, both ways."""
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
srcdir = os.environ.get("srcdir") or os.path.join(here, "..", "..")
plugin = os.environ.get("PLUGIN") or os.path.join(srcdir, "plugins", "check_ncp_advanced_certs")
manpage = os.path.join(srcdir, "man", "check_ncp_advanced_certs.1")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

help_run = subprocess.run([plugin, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=10)
help_text = help_run.stdout.decode()
with open(manpage, encoding="utf-8") as f:
    man_text = f.read().replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")

in_help = set(OPTION.findall(help_text))
in_man = set(OPTION.findall(man_text))
points = []
points.append((help_run.returncode == 3, "--help exits 3 (Monitoring Plugins guidelines)"))
points.append((len(in_help) >= 20, "--help lists the long options (%d found)" % len(in_help)))
for opt in sorted(in_help):
    points.append((opt in in_man, "%s from --help is in the man page" % opt))
for opt in sorted(in_man):
    points.append((opt in in_help, "%s from the man page is in --help" % opt))
failed = 0
for n, (ok, what) in enumerate(points, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    failed += not ok
print("1..%d" % len(points))
sys.exit(1 if failed else 0)
