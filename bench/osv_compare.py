#!/usr/bin/env python3
"""Compare fastapi-audit's FA801 findings with osv-scanner's on the same files.

Usage: bench/osv_compare.py ADVISORIES.zip DIR...

Both tools read the same offline OSV zip: osv-scanner through its local
database directory (OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY/osv-scalibr/PyPI/all.zip,
--offline-vulnerabilities --no-resolve), fastapi-audit through --advisories.
Only exact pins are compared (osv-scanner does not match ranges). For every
package and version the script prints the advisory ids only
one tool reports, then totals.

osv-scanner is looked up on PATH and in ~/go/bin; build it with
  go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.6.0
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

OTHER_ECOSYSTEMS = ["npm", "Go", "crates.io", "Maven", "RubyGems", "Packagist",
                   "NuGet", "Pub", "Hex", "GitHub Actions", "Debian", "Alpine"]
PINNED = re.compile(r"^(\S+) (\S+) has \d+ known vulnerabilit")
IDS = re.compile(r"\b((?:PYSEC|GHSA|OSV)-[\w-]+)(?: \([^)]*\))?")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def osv_scanner():
    found = shutil.which("osv-scanner")
    if found:
        return found
    home = os.path.expanduser("~/go/bin/osv-scanner")
    if os.path.exists(home):
        return home
    sys.exit("osv-scanner not found; see the docstring for how to build it")


def run_osv_scanner(binary, dbdir, root):
    env = dict(os.environ, OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY=dbdir)
    out = subprocess.run(
        [binary, "scan", "source", "--offline-vulnerabilities", "--no-resolve",
         "--format", "json", "-r", root],
        env=env, capture_output=True, text=True, timeout=600)
    if out.returncode not in (0, 1):
        sys.exit(f"osv-scanner failed on {root}: {out.stderr[-2000:]}")
    got = {}
    for result in json.loads(out.stdout or "{}").get("results") or []:
        path = os.path.relpath(result["source"]["path"], root)
        for pkg in result.get("packages") or []:
            p = pkg["package"]
            if p.get("ecosystem") != "PyPI":
                continue
            ids = {v["id"] for v in pkg.get("vulnerabilities") or []}
            if ids:
                key = (normalise(p["name"]), p["version"])
                got.setdefault(key, {}).setdefault(path, set()).update(ids)
    return got


def run_fastapi_audit(binary, advisories, root):
    out = subprocess.run(
        [binary, "scan", root, "--advisories", advisories, "--select", "FA801",
         "--format", "json"],
        capture_output=True, text=True, timeout=600)
    if out.returncode not in (0, 1):
        sys.exit(f"fastapi-audit failed on {root}: {out.stderr[-2000:]}")
    got = {}
    for f in json.loads(out.stdout)["findings"]:
        m = PINNED.match(f["message"])
        if not m:
            continue  # ranges: osv-scanner has no counterpart
        ids = set(IDS.findall(f["message"].split(":", 1)[1].split(";")[0]))
        key = (normalise(m.group(1)), m.group(2))
        got.setdefault(key, {}).setdefault(f["location"]["file"], set()).update(ids)
    return got


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    advisories, roots = os.path.abspath(sys.argv[1]), sys.argv[2:]
    here = os.path.dirname(os.path.abspath(__file__))
    fa = os.path.join(tempfile.mkdtemp(), "fastapi-audit")
    subprocess.run(["go", "build", "-o", fa, "./cmd/fastapi-audit"],
                   cwd=os.path.dirname(here), check=True)
    dbdir = tempfile.mkdtemp()
    os.makedirs(os.path.join(dbdir, "osv-scalibr", "PyPI"))
    shutil.copy(advisories, os.path.join(dbdir, "osv-scalibr", "PyPI", "all.zip"))
    # Empty databases for the other ecosystems a project may hold (a
    # frontend's package-lock.json), which osv-scanner otherwise refuses.
    for eco in OTHER_ECOSYSTEMS:
        os.makedirs(os.path.join(dbdir, "osv-scalibr", eco))
        zipfile.ZipFile(os.path.join(dbdir, "osv-scalibr", eco, "all.zip"), "w").close()
    scanner = osv_scanner()

    total = {"both": 0, "only fastapi-audit": 0, "only osv-scanner": 0}
    for root in roots:
        root = os.path.abspath(root)
        theirs = run_osv_scanner(scanner, dbdir, root)
        ours = run_fastapi_audit(fa, advisories, root)
        counts = {k: 0 for k in total}
        for key in sorted(set(theirs) | set(ours)):
            a = set().union(*ours.get(key, {}).values())
            b = set().union(*theirs.get(key, {}).values())
            counts["both"] += len(a & b)
            counts["only fastapi-audit"] += len(a - b)
            counts["only osv-scanner"] += len(b - a)
            if a != b:
                print(f"  {key[0]} {key[1]}: only fastapi-audit {sorted(a - b)} "
                      f"in {sorted(ours.get(key, {}))}, only osv-scanner {sorted(b - a)} "
                      f"in {sorted(theirs.get(key, {}))}")
        print(os.path.basename(root) + ":", ", ".join(f"{k} {v}" for k, v in counts.items()))
        for k, v in counts.items():
            total[k] += v
    print("advisory matches (package, version, id), all trees:",
          ", ".join(f"{k} {v}" for k, v in total.items()))


if __name__ == "__main__":
    main()
