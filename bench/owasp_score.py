"""Score fastapi-audit on OWASP BenchmarkPython (a Flask test suite).

Usage: python3 bench/owasp_score.py BENCHMARK_DIR REPORT.json

BENCHMARK_DIR is a checkout of github.com/OWASP-Benchmark/BenchmarkPython,
REPORT.json a `fastapi-audit scan --format json BENCHMARK_DIR` report. A test
case counts as flagged when a finding (of medium or high confidence) of the
rule mapped to its category is in its file. Prints, per category, the true and false positive rates and
their difference (the Benchmark's score); categories with no rule are listed
as not covered.
"""
import csv
import json
import os
import sys

RULES = {
    "pathtraver": "FA109", "cmdi": "FA102", "codeinj": "FA103", "deserialization": "FA105",
    "redirect": "FA111", "sqli": "FA101", "xss": "FA110", "xxe": "FA106",
    "hash": "FA205", "weakrand": "FA208",
}


def main():
    bench, report = sys.argv[1], sys.argv[2]
    flagged = {}
    for f in json.load(open(report))["findings"]:
        # Low-confidence findings (pattern matches no request data reaches)
        # are leads for review, not reported vulnerabilities.
        if f.get("suppressed") or f.get("confidence") == "low":
            continue
        name = os.path.splitext(os.path.basename(f["location"]["file"]))[0]
        flagged.setdefault(name, set()).add(f["rule_id"])
    stats = {}
    with open(os.path.join(bench, "expectedresults-0.1.csv")) as fh:
        for row in csv.reader(fh):
            if not row or row[0].startswith("#"):
                continue
            name, cat, real = row[0], row[1], row[2] == "true"
            s = stats.setdefault(cat, [0, 0, 0, 0])  # tp fn fp tn
            hit = RULES.get(cat) in flagged.get(name, set())
            s[(0 if hit else 1) if real else (2 if hit else 3)] += 1
    print("%-16s %5s %5s %5s %5s %7s %7s %7s" % ("category", "TP", "FN", "FP", "TN", "TPR", "FPR", "score"))
    total = []
    for cat in sorted(stats):
        tp, fn, fp, tn = stats[cat]
        if cat not in RULES:
            print("%-16s not covered (%d cases)" % (cat, tp + fn + fp + tn))
            continue
        tpr = tp / (tp + fn) if tp + fn else 0
        fpr = fp / (fp + tn) if fp + tn else 0
        total.append(tpr - fpr)
        print("%-16s %5d %5d %5d %5d %6.0f%% %6.0f%% %6.0f%%" % (cat, tp, fn, fp, tn, tpr * 100, fpr * 100, (tpr - fpr) * 100))
    print("average score over covered categories: %.0f%%" % (100 * sum(total) / len(total)))


main()
