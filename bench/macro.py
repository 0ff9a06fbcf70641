#!/usr/bin/env python3
"""Macro benchmark: the shared workloads against Sirocco and real Mistral 15 in one run, one table with ratios.

Runs ../shared/tools/bench.py against each target (same workloads, same options), adds its own API latency probe
(GET /v2/workflows and GET /v2/executions?limit=100, p50 and p99 over --latency-calls calls with >= 100 executions
stored), and writes one Markdown table: per workload wall time, rate (tasks/s or items/s), executions/s, server CPU
seconds and peak RSS for each side, and the ratio Mistral : Sirocco (how many times Sirocco is better; > 1 means
Sirocco is faster / lighter).

Sirocco: started here from a Release build (`dotnet build -c Release src/Sirocco.Cli` first) on a temp SQLite file,
unless --sirocco-url points at a running server (then give --sirocco-pid-file for CPU/RSS).
Mistral: expected at --mistral-url (default http://127.0.0.1:8989/v2, started with
../shared/tools/mistral-oracle/start.sh, or by this script with --start-mistral; it is heavy, start it on a quiet
machine). --skip-mistral runs only the Sirocco half.

    python3 bench/macro.py --repeat 3 --out /tmp/macro.md                 # both sides
    python3 bench/macro.py --skip-mistral --repeat 1 --only chain50       # Sirocco only (smoke test)
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def find_shared():
    d = ROOT
    while True:
        if os.path.isdir(os.path.join(d, "shared", "tools")):
            return os.path.join(d, "shared")
        parent = os.path.dirname(d)
        if parent == d:
            sys.exit("shared/tools not found above %s" % ROOT)
        d = parent


SHARED = find_shared()
TOOLS = os.path.join(SHARED, "tools")
sys.path.insert(0, TOOLS)
import bench  # noqa: E402  (../shared/tools/bench.py: its HTTP client and helpers are reused for the latency probe)


def log(*a):
    print("[macro]", *a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, proc, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            sys.exit("the Sirocco server exited with code %s" % proc.returncode)
        try:
            bench.Client(url, timeout=2).get("/workflows")
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    sys.exit("%s did not answer within %d s" % (url, seconds))


def start_sirocco(tmp, args):
    dll = args.sirocco_dll or os.path.join(ROOT, "src", "Sirocco.Cli", "bin", "Release", "net10.0", "sirocco.dll")
    if not os.path.exists(dll):
        sys.exit("%s is missing: run `dotnet build -c Release src/Sirocco.Cli` first" % dll)
    port = free_port()
    db = os.path.join(tmp, "sirocco.db")
    out = open(os.path.join(tmp, "server.out"), "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(["dotnet", dll, "server", "--port", str(port), "--db", db],
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    pid_file = os.path.join(tmp, "sirocco.pid")
    with open(pid_file, "w") as f:
        f.write(str(proc.pid))
    url = "http://127.0.0.1:%d/v2" % port
    wait_up(url, proc)
    log("Sirocco server pid %d on %s (database %s)" % (proc.pid, url, db))
    return proc, url, [pid_file]


def mistral_pid_files(run_dir):
    # The API/engine/executor process first (its CPU and RSS are the "server" figures); PostgreSQL and RabbitMQ
    # follow as auxiliary groups that bench.py reports separately.
    files = [os.path.join(run_dir, "server.pid")]
    for extra in ("pg/data/postmaster.pid", "rabbit/rabbit.pid"):
        p = os.path.join(run_dir, extra)
        if os.path.exists(p):
            files.append(p)
    return files


def run_bench(label, url, pid_files, args, tmp):
    out = os.path.join(tmp, "%s.json" % label)
    cmd = [sys.executable, os.path.join(TOOLS, "bench.py"), "--base-url", url, "--repeat", str(args.repeat),
           "--poll-interval", str(args.poll_interval), "--parallel", str(args.parallel), "--json-out", out,
           "--label", label]
    for p in pid_files:
        cmd += ["--pid-file", p]
    for o in args.only:
        cmd += ["--only", o]
    log("running bench.py against %s (%s)" % (label, url))
    code = subprocess.call(cmd, stdout=subprocess.DEVNULL)
    if not os.path.exists(out):
        sys.exit("bench.py against %s wrote no result (exit %d)" % (label, code))
    with open(out) as f:
        return json.load(f)


def percentile(sorted_ms, q):
    if not sorted_ms:
        return None
    return sorted_ms[min(len(sorted_ms) - 1, int(round(q * (len(sorted_ms) - 1))))]


def latency_probe(url, calls, timeout):
    """p50/p99 of the two GETs the issue names, with at least 100 executions stored (created and removed here)."""
    client = bench.Client(url)
    client.get("/workflows")
    have = len(client.get("/executions?limit=100").get("executions", []))
    created = []
    if have < 100:
        bench.ensure_workflow(client, os.path.join(SHARED, "bench", "workloads", "parallel_execs.yaml"))
        created = [bench.create_execution(client, "parallel_execs")["id"] for _ in range(100 - have)]
        deadline = time.monotonic() + timeout
        for i in created:
            bench.wait_execution(client, i, 0.05, deadline)
    result = {}
    for key, path in (("workflows", "/workflows"), ("executions", "/executions?limit=100")):
        client.get(path)  # warm-up
        lat = []
        for _ in range(calls):
            t = time.perf_counter()
            client.get(path)
            lat.append((time.perf_counter() - t) * 1000.0)
        lat.sort()
        result[key] = {"p50_ms": round(statistics.median(lat), 3), "p99_ms": round(percentile(lat, 0.99), 3)}
    if created:
        bench.delete_executions(client, created)
    return result


def rows_of(summary, latency):
    """Per workload: wall, rate, execs/s, CPU, RSS (medians over the runs)."""
    rows = {}
    for name, w in summary["workloads"].items():
        m = w["median"]
        if name == "api_latency":
            continue
        unit = bench.WORKLOADS[name][2]
        rows[name] = {"wall_s": m.get("wall_s"), "rate": m.get("%s_per_s" % unit), "unit": unit,
                      "execs_per_s": m.get("executions_per_s"), "cpu_s": m.get("server_cpu_s"),
                      "rss_mb": m.get("peak_rss_mb"), "ok": m.get("all_ok")}
    rows["latency"] = latency
    mem = summary.get("server_memory") or {}
    rows["peak_rss_mb"] = mem.get("peak_sampled_rss_mb")
    return rows


def fmt(v, digits=3):
    if v is None:
        return "–"
    if isinstance(v, float):
        return ("%%.%dg" % digits) % v if abs(v) < 1000 else "{:,.0f}".format(v)
    return str(v)


def ratio(m, s, higher_is_better):
    if not isinstance(m, (int, float)) or not isinstance(s, (int, float)) or m == 0 or s == 0:
        return "–"
    r = s / m if higher_is_better else m / s
    return "%s×" % fmt(float(r))


def table(sirocco, mistral):
    lines = [
        "| workload | metric | Sirocco | Mistral 15 | Mistral : Sirocco |",
        "|---|---|---|---|---|",
    ]
    m_rows = mistral or {}
    for name, s in sirocco.items():
        if name in ("latency", "peak_rss_mb"):
            continue
        m = m_rows.get(name) or {}
        ok = "" if s.get("ok") else " (not all SUCCESS)"
        lines.append("| %s%s | wall s | %s | %s | %s |" % (name, ok, fmt(s["wall_s"]), fmt(m.get("wall_s")),
                                                         ratio(m.get("wall_s"), s["wall_s"], False)))
        lines.append("| | %s/s | %s | %s | %s |" % (s["unit"], fmt(s["rate"]), fmt(m.get("rate")),
                                                    ratio(m.get("rate"), s["rate"], True)))
        if s.get("execs_per_s") is not None:
            lines.append("| | executions/s | %s | %s | %s |" % (fmt(s["execs_per_s"]), fmt(m.get("execs_per_s")),
                                                               ratio(m.get("execs_per_s"), s["execs_per_s"], True)))
        lines.append("| | server CPU s | %s | %s | %s |" % (fmt(s["cpu_s"]), fmt(m.get("cpu_s")),
                                                           ratio(m.get("cpu_s"), s["cpu_s"], False)))
        lines.append("| | peak RSS MB | %s | %s | %s |" % (fmt(s["rss_mb"]), fmt(m.get("rss_mb")),
                                                          ratio(m.get("rss_mb"), s["rss_mb"], False)))
    s_lat, m_lat = sirocco.get("latency") or {}, m_rows.get("latency") or {}
    for key, label in (("workflows", "GET /v2/workflows"), ("executions", "GET /v2/executions?limit=100")):
        for q in ("p50_ms", "p99_ms"):
            sv = (s_lat.get(key) or {}).get(q)
            mv = (m_lat.get(key) or {}).get(q)
            lines.append("| %s | %s | %s | %s | %s |" % (label, q.replace("_", " "), fmt(sv), fmt(mv), ratio(mv, sv, False)))
    lines.append("| whole run | peak RSS MB | %s | %s | %s |" % (
        fmt(sirocco.get("peak_rss_mb")), fmt(m_rows.get("peak_rss_mb")),
        ratio(m_rows.get("peak_rss_mb"), sirocco.get("peak_rss_mb"), False)))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per workload (medians are reported)")
    ap.add_argument("--only", action="append", default=[], help="workload(s) to run, as bench.py --only")
    ap.add_argument("--poll-interval", type=float, default=0.002)
    ap.add_argument("--parallel", type=int, default=200)
    ap.add_argument("--latency-calls", type=int, default=200)
    ap.add_argument("--sirocco-url", help="a running Sirocco server (default: start one here)")
    ap.add_argument("--sirocco-pid-file", action="append", default=[])
    ap.add_argument("--sirocco-dll", help="server to start (default: the Release build of src/Sirocco.Cli)")
    ap.add_argument("--mistral-url", default="http://127.0.0.1:8989/v2")
    ap.add_argument("--mistral-run-dir", default=os.environ.get("MISTRAL_RUN_DIR", "/tmp/mistral-oracle"))
    ap.add_argument("--start-mistral", action="store_true", help="run mistral-oracle/start.sh first (heavy)")
    ap.add_argument("--skip-mistral", action="store_true", help="only the Sirocco half")
    ap.add_argument("--out", help="write the Markdown table (and the raw JSON next to it) here")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="sirocco-macro-")
    proc = None
    try:
        if args.sirocco_url:
            s_url, s_pids = args.sirocco_url, args.sirocco_pid_file
        else:
            proc, s_url, s_pids = start_sirocco(tmp, args)
        s_raw = run_bench("sirocco", s_url, s_pids, args, tmp)
        s_lat = latency_probe(s_url, args.latency_calls, 900)
        sirocco = rows_of(s_raw, s_lat)
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
            proc = None

        mistral, m_raw = None, None
        if not args.skip_mistral:
            if args.start_mistral:
                subprocess.check_call([os.path.join(TOOLS, "mistral-oracle", "start.sh")])
            wait_up(args.mistral_url, None, 30)
            m_raw = run_bench("mistral", args.mistral_url, mistral_pid_files(args.mistral_run_dir), args, tmp)
            mistral = rows_of(m_raw, latency_probe(args.mistral_url, args.latency_calls, 900))

        head = "Macro benchmark, %s, %d CPUs, load average %s, %d run(s) per workload, poll %g s, %d parallel executions" % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), "%.1f" % os.getloadavg()[0],
            args.repeat, args.poll_interval, args.parallel)
        text = head + "\n\n" + table(sirocco, mistral) + "\n"
        print(text)
        if args.out:
            with open(args.out, "w") as f:
                f.write(text)
            with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
                json.dump({"sirocco": s_raw, "sirocco_latency": s_lat, "mistral": m_raw,
                           "mistral_rows": mistral}, f, indent=2)
        ok = all(r.get("ok", True) for r in sirocco.values() if isinstance(r, dict) and "ok" in r)
        return 0 if ok else 1
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
