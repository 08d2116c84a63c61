#!/usr/bin/env python3
"""Compares `fastapi-audit routes --format json` with the hand-checked truth of
real code bases in bench/routes/<name>/ (meta.json, routes.json, auth.json).

    bench/routes/compare.py [--bin PATH] [--trees DIR] [--show N] [NAME ...]

For each code base it extracts the pinned commit from its mirror (a bare git
directory under /work/.mirror brought by the search tool's fetch; the code is
never committed here) into --trees (default /tmp/bench-routes), runs the
routes command on meta.json's scan_path, and prints:

  - routes found: expected (method, full path) pairs that the inventory lists,
    exactly and with path parameter names ignored;
  - missing and extra routes (the first --show of each);
  - the authentication verdict on the hand-read sample: the truth says
    required, optional or none; the inventory says required when it lists an
    authenticating dependency chain, none otherwise (optional authentication
    does not authenticate, so it is compared as none).

Exit status 0; the figures are the output. Without --bin it builds the tool
from this checkout.
"""

import argparse
from collections import Counter
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
AUTO = {"/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"}


def norm(path):
    """A path with parameter names dropped: /a/{id}/b/{p:path} -> /a/{}/b/{}."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def mirror_of(repo):
    owner, name = repo.split("/")
    for cand in glob.glob("/work/.mirror/*"):
        base = os.path.basename(cand).lower()
        if base.startswith((owner + "+" + name).lower()):
            for sub in [cand] + glob.glob(cand + "/*"):
                if os.path.isfile(os.path.join(sub, "HEAD")):
                    return sub
    return None


def tree_of(meta, name, trees):
    dest = os.path.join(trees, name + "-" + meta["commit"][:12])
    if os.path.isdir(dest):
        return dest
    git_dir = mirror_of(meta["repo"])
    if git_dir is None:
        raise SystemExit(f"{name}: no mirror of {meta['repo']} under /work/.mirror: fetch github:{meta['repo']} first")
    os.makedirs(dest + ".tmp", exist_ok=True)
    # Only the scanned path: some snapshots lack the largest blobs elsewhere.
    what = [meta["scan_path"]] if meta.get("scan_path", ".") not in (".", "") else []
    archive = subprocess.run(["git", "--git-dir", git_dir, "archive", meta["commit"]] + what, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", dest + ".tmp"], input=archive, check=True)
    os.rename(dest + ".tmp", dest)
    return dest


def build(bin_path):
    if bin_path:
        return bin_path
    out = os.path.join(tempfile.mkdtemp(), "fastapi-audit")
    subprocess.run(["go", "build", "-o", out, "./cmd/fastapi-audit"], cwd=REPO, check=True)
    return out


def inventory(bin_path, tree, scan_path):
    p = subprocess.run([bin_path, "routes", "--format", "json", os.path.join(tree, scan_path)],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"routes failed ({p.returncode}): {p.stderr[-2000:]}")
    doc = json.loads(p.stdout)
    return doc["routes"] if isinstance(doc, dict) else doc, p.stderr


def compare(name, bin_path, trees, show):
    d = os.path.join(HERE, name)
    meta = json.load(open(os.path.join(d, "meta.json")))
    truth = [r for r in json.load(open(os.path.join(d, "routes.json"))) if r["path"] not in AUTO]
    tree = tree_of(meta, name, trees)
    got, stderr = inventory(bin_path, tree, meta.get("scan_path", "."))
    fields = [r for r in got if r["method"].upper() in GRAPHQL_METHODS]
    got = [r for r in got if r["method"].upper() not in GRAPHQL_METHODS]
    got_exact = {(r["method"].upper(), r["path"]) for r in got}
    got_norm = {(r["method"].upper(), norm(r["path"])) for r in got}
    want = [(r["method"].upper(), r["path"]) for r in truth]
    # Several apps of one code base may serve the same method and path
    # (FastChat's workers): a route is found as many times as the
    # inventory lists it, so count both sides as multisets.
    got_count = Counter((r["method"].upper(), r["path"]) for r in got)
    got_norm_count = Counter((r["method"].upper(), norm(r["path"])) for r in got)
    exact = sum(min(n, got_count[k]) for k, n in Counter(want).items())
    loose = sum(min(n, got_norm_count[k]) for k, n in Counter((m, norm(p)) for m, p in want).items())
    missing = [k for k in want if (k[0], norm(k[1])) not in got_norm]
    want_norm = {(m, norm(p)) for m, p in want}
    extra = sorted({(m, p) for m, p in got_exact if (m, norm(p)) not in want_norm})

    auth_rows, agree, wrong = [], 0, []
    auth_file = os.path.join(d, "auth.json")
    by_route = {}
    for r in got:
        by_route.setdefault((r["method"].upper(), norm(r["path"])), []).append(r)
    if os.path.exists(auth_file):
        auth_rows = json.load(open(auth_file))
        for a in auth_rows:
            rs = by_route.get((a["method"].upper(), norm(a["path"])))
            if not rs:
                wrong.append((a, "route not found"))
                continue
            said = "required" if any(r.get("auth") for r in rs) else "none"
            want_v = "required" if a["auth"] == "required" else "none"
            if said == want_v:
                agree += 1
            else:
                wrong.append((a, "inventory says " + said + " (" + " > ".join(rs[0].get("auth") or []) + ")"))

    n = len(want)
    print(f"## {name} ({meta['repo']} @ {meta['commit'][:12]}, {meta.get('scan_path', '.')})")
    print(f"routes: {n} expected, {exact} found exactly ({pct(exact, n)}), {loose} with parameter names ignored ({pct(loose, n)}); {len(extra)} listed but not expected")
    if auth_rows:
        print(f"auth sample: {agree}/{len(auth_rows)} verdicts right ({pct(agree, len(auth_rows))})")
    for m, p in missing[:show]:
        print(f"  missing {m} {p}")
    if len(missing) > show:
        print(f"  ... {len(missing) - show} more missing")
    for m, p in extra[:show]:
        print(f"  extra   {m} {p}")
    for a, why in wrong[:show]:
        print(f"  auth    {a['method']} {a['path']}: truth {a['auth']} ({a.get('mechanism', '')}); {why}")
    gql = graphql_section(d, fields, show)
    unresolved = [l for l in stderr.splitlines() if l.strip()]
    if unresolved:
        print(f"  ({len(unresolved)} lines of unresolved registrations on stderr)")
    print()
    row = {"name": name, "expected": n, "exact": exact, "loose": loose, "extra": len(extra),
           "auth": len(auth_rows), "auth_right": agree}
    if gql:
        row["graphql"] = gql
    return row


# GRAPHQL_METHODS are the inventory's methods for GraphQL root fields
# (path "<endpoint>#<fieldName>").
GRAPHQL_METHODS = {"QUERY", "MUTATION", "SUBSCRIPTION"}


def graphql_section(d, fields, show):
    """Scores the GraphQL root fields against graphql.json, when there is one:
    a field is found when the inventory lists its operation and name; its guards
    are right when the inventory's permission classes are graphql.json's (as sets;
    "context-check" entries are reported apart, graphql.json's context_checks are
    read by pattern and only informative)."""
    path = os.path.join(d, "graphql.json")
    if not os.path.exists(path):
        return None
    truth = json.load(open(path))
    got = {}
    for r in fields:
        got.setdefault((r["method"].upper(), r["path"].rsplit("#", 1)[-1]), r)
    found, guards_right, ctx_both, ctx_truth = 0, 0, 0, 0
    missing, wrong = [], []
    for t in truth:
        r = got.get((t["kind"].upper(), t["name"]))
        if r is None:
            missing.append(t)
            continue
        found += 1
        perms = sorted(g for g in r.get("guards") or [] if g != "context-check")
        if perms == sorted(t["permission_classes"]):
            guards_right += 1
        else:
            wrong.append((t, perms))
        if t["context_checks"]:
            ctx_truth += 1
            ctx_both += "context-check" in (r.get("guards") or [])
    truth_keys = {(t["kind"].upper(), t["name"]) for t in truth}
    extra = sorted(k for k in got if k not in truth_keys)
    n = len(truth)
    print(f"graphql fields: {n} expected, {found} found ({pct(found, n)}); {len(extra)} listed but not expected; "
          f"permission classes right on {guards_right}/{found} found; context check seen on {ctx_both} of the "
          f"{ctx_truth} fields whose resolver graphql.json lists caller-related lines for")
    for t in missing[:show]:
        print(f"  missing field {t['kind'].upper()} {t['name']} ({t['resolver']})")
    for k in extra[:show]:
        print(f"  extra field   {k[0]} {k[1]}")
    for t, perms in wrong[:show]:
        print(f"  guards  {t['kind'].upper()} {t['name']}: truth {t['permission_classes']}, inventory {perms}")
    return {"expected": n, "found": found, "extra": len(extra), "guards_right": guards_right}


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "n/a"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--trees", default="/tmp/bench-routes")
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    names = a.names or sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(HERE, "*", "meta.json")))
    bin_path = build(a.bin)
    os.makedirs(a.trees, exist_ok=True)
    rows = [compare(n, bin_path, a.trees, a.show) for n in names]
    print("| code base | routes | found | found (params ignored) | extra | auth right |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['expected']} | {pct(r['exact'], r['expected'])} | {pct(r['loose'], r['expected'])} | {r['extra']} | "
              f"{r['auth_right']}/{r['auth']} ({pct(r['auth_right'], r['auth'])}) |")
    for r in rows:
        if "graphql" in r:
            g = r["graphql"]
            print(f"\n{r['name']} GraphQL: {g['found']}/{g['expected']} root fields found ({pct(g['found'], g['expected'])}), "
                  f"{g['extra']} extra, permission classes right on {g['guards_right']}/{g['found']}")
    if a.json:
        json.dump(rows, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())
