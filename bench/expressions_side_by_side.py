#!/usr/bin/env python3
"""Sirocco's and real Mistral 15's expression evaluators, measured side by side on this machine.

Runs rounds of (Mistral's bench_mistral_expressions.py, then Sirocco's bench/Sirocco.Bench.Expressions --quick),
so both sides see the same machine load, and prints one Markdown table: warm evaluations per CPU second per
language for each side (median over the rounds), the ratio Sirocco : Mistral per round and the median ratio.

    dotnet build -c Release bench/Sirocco.Bench.Expressions
    python3 bench/expressions_side_by_side.py --rounds 3
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def shared_dir():
    d = ROOT
    while d != "/":
        cand = os.path.join(d, "shared")
        if os.path.isdir(os.path.join(cand, "conformance")):
            return cand
        d = os.path.dirname(d)
    sys.exit("cannot find the shared folder (../shared) above " + ROOT)


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def run_mistral(tool):
    # Debian's python: the one with Mistral's modules
    out = subprocess.run(["/usr/bin/python3", tool, "--n", "5", "--repeats", "3"],
                         capture_output=True, text=True, check=True).stdout
    got = {}
    for lang in ("yaql", "jinja"):
        m = re.search(r"^%s runs \(cpu-based\):.*\| warm ([\d ]+)$" % lang, out, re.M)
        if not m:
            sys.exit("unexpected output of %s:\n%s" % (tool, out))
        got[lang] = statistics.median(float(x) for x in m.group(1).split())
    return got


def run_sirocco(dll):
    out = subprocess.run(["dotnet", dll, "--quick"], capture_output=True, text=True, check=True).stdout
    got = {}
    for lang in ("yaql", "jinja"):
        m = re.search(r"^%s: \d+ cases, warm ([\d,]+) evaluations per CPU second" % lang, out, re.M)
        if not m:
            sys.exit("unexpected output of the Sirocco bench:\n" + out)
        got[lang] = float(m.group(1).replace(",", ""))
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dll", default=os.path.join(HERE, "Sirocco.Bench.Expressions", "bin", "Release", "net10.0",
                                                  "Sirocco.Bench.Expressions.dll"))
    args = ap.parse_args()
    if not os.path.exists(args.dll):
        sys.exit("build it first: dotnet build -c Release bench/Sirocco.Bench.Expressions")
    tool = os.path.join(shared_dir(), "tools", "bench_mistral_expressions.py")
    rounds = []
    for i in range(args.rounds):
        before = load()
        m = run_mistral(tool)
        s = run_sirocco(args.dll)
        rounds.append((m, s, before, load()))
        print("round %d (load %s -> %s): %s" % (i + 1, before, load(),
              ", ".join("%s Mistral %.0f Sirocco %.0f (%.0fx)" % (l, m[l], s[l], s[l] / m[l]) for l in m)),
              file=sys.stderr)
    print("| language | Mistral 15 warm (evals / CPU s) | Sirocco warm (evals / CPU s) | ratio per round | median ratio |")
    print("|---|---|---|---|---|")
    for lang in ("yaql", "jinja"):
        ms = [r[0][lang] for r in rounds]
        ss = [r[1][lang] for r in rounds]
        ratios = [s / m for m, s in zip(ms, ss)]
        print("| %s | %s | %s | %s | **%.0f×** |" % (
            "YAQL" if lang == "yaql" else "Jinja",
            "{:,.0f}".format(statistics.median(ms)), "{:,.0f}".format(statistics.median(ss)),
            " · ".join("%.0f×" % r for r in ratios), statistics.median(ratios)))
    sys.stderr.flush()
    print("\nload average per round (start -> end): " + ", ".join("%s -> %s" % (r[2], r[3]) for r in rounds))


if __name__ == "__main__":
    main()
