#!/usr/bin/env python3
"""Runs the side-by-side benchmark of issue 8 in one run and prints the table.

    make bench                              # installs peers, builds release, runs this
    .venv/bin/python bench/run_all.py       # the same, with what is installed/built
    BENCH_QUICK=1 .venv/bin/python bench/run_all.py --scenarios 1,6 --no-write

Peers (same ipykernel, same machine, same run; TLS and token where they have them):
the SPIN runtime through its TLS gateway, the runtime's executor socket
directly, Jupyter Server 2 stock, Jupyter Server 2 with TCP_NODELAY on kernel
WebSockets, Kernel Gateway 3, jupyter_client over ZeroMQ (the floor), and
nginx as TLS terminator in front of the executor socket (scenario 5).

Writes docs/benchmarks.md (unless --no-write) and bench/results/latest.json.
Measures only; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import (QUICK, ROOT, WORK, ExecutorSocketPeer, JupyterServerPeer, KernelGatewayPeer, NginxPeer,  # noqa: E402
                     Proc, RuntimePeer, TLSMaterial, ZmqFloor, install_cleanup, loadavg, log, machine_facts, memory_mb,
                     new_token)

FLOOR = ZmqFloor.label


def fmt(value, digits=1, unit=""):
    if value is None or value != value:
        return "–"
    return f"{value:.{digits}f}{unit}"


def ratio(a, b):
    try:
        return a / b if b else float("nan")
    except TypeError:
        return float("nan")


def verdict(ok) -> str:
    return "met" if ok else "**missed**"


class Table:
    def __init__(self):
        self.rows: list[tuple] = []

    def add(self, scenario, peer, metric, value, vs="", target="", met=""):
        self.rows.append((scenario, peer, metric, value, vs, target, met))

    def markdown(self) -> str:
        head = ("scenario", "peer", "metric", "value", "ratio", "target", "")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in self.rows]
        return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", default="1,2,3,4,5,6")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--n", type=int, default=None, help="scenario 1 round trips per peer")
    parser.add_argument("--stream-mb", type=int, default=None, help="scenario 2 size in MB")
    parser.add_argument("--results", default=None, help="results file name under bench/results (default latest.json)")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite docs/benchmarks.md from bench/results/latest.json (e.g. after editing bench/findings.md)")
    parser.add_argument("--js-many", choices=["yes", "no"], default="yes", help="scenario 4 also for Jupyter Server + TCP_NODELAY")
    args = parser.parse_args()
    wanted = {int(s) for s in args.scenarios.split(",") if s}
    install_cleanup()
    if args.render:
        results = json.loads((ROOT / "bench" / "results" / "latest.json").read_text())
        Path(args.out).write_text(render_doc(results, results["table"], results.get("argv", ["bench/run_all.py"])))
        return 0

    for name in harness.GLOBAL_TLS_VARS:  # our own clients get the test CA explicitly
        os.environ.pop(name, None)
    os.environ["JUPYTER_PATH"] = str(harness.VENV / "share" / "jupyter")
    os.environ["PATH"] = f"{harness.VENV_BIN}:{os.environ['PATH']}"

    bin_dir = Path(os.environ.get("SPIN_BUILD_DIR", ROOT / ".build" / "release"))
    for exe in ("spin-gateway", "spin-executor"):
        if not (bin_dir / exe).exists():
            sys.exit(f"{bin_dir / exe} is missing: build it first (make release, as make bench does)")
    facts = machine_facts(bin_dir)
    log(f"work folder {WORK}; load average {facts['load average at start']}")
    results: dict = {"facts": facts, "quick": QUICK, "scenarios": {}, "load": {}, "argv": sys.argv}
    tls = TLSMaterial(WORK / "tls")
    token = new_token()
    table = Table()
    failures = []
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    partial = ROOT / "bench" / "results" / ("quick.partial.json" if QUICK else "partial.json")

    runtime = js = js_nd = kg = None
    try:
        runtime = RuntimePeer(tls, token, bin_dir, pool=1).start()
        executor = ExecutorSocketPeer(runtime)
        need_jupyter = wanted & {1, 2, 3, 4, 6}
        if need_jupyter:
            js = JupyterServerPeer(tls, token).start()
            js_nd = JupyterServerPeer(tls, token, nodelay=True).start()
        if wanted & {1, 2, 6}:
            if harness.have_module("kernel_gateway"):
                kg = KernelGatewayPeer(tls, token).start()
            else:
                log("jupyter_kernel_gateway is not installed: Kernel Gateway is left out (make bench installs it)")
        time.sleep(3)  # settle before idle RSS

        # -- 6 (idle part first: nothing has run yet)
        idle = {}
        if 6 in wanted:
            idle = {"SPIN gateway + executor": memory_mb(runtime.server_pids()),
                    "SPIN gateway": memory_mb(runtime.server_pids()[:1]),
                    "SPIN executor": memory_mb(runtime.server_pids()[1:])}
            if js:
                idle[js.label] = memory_mb(js.server_pids())
            if kg:
                idle[kg.label] = memory_mb(kg.server_pids())
            results["scenarios"]["6_idle"] = idle
            log(f"idle RSS: {idle}")

        def scenario(number, fn):
            if number not in wanted:
                return None
            results["load"][number] = loadavg()
            log(f"== scenario {number} (load average {results['load'][number]})")
            try:
                out = fn()
                results["scenarios"][str(number)] = out
                partial.write_text(json.dumps(results, indent=1, default=str))  # survives a later failure
                return out
            except Exception:
                failures.append(number)
                log(f"scenario {number} failed:\n{traceback.format_exc()}")
                results["scenarios"][str(number)] = {"error": traceback.format_exc()}
                return None

        import s1_execute
        import s2_stream
        import s3_start
        import s4_many
        import s5_forward

        jupyter_peers = [p for p in (js, js_nd, kg) if p]
        s1 = scenario(1, lambda: s1_execute.run([runtime, executor] + jupyter_peers, args.n))
        s2 = scenario(2, lambda: s2_stream.run([runtime, executor] + jupyter_peers,
                                               args.stream_mb * 1_000_000 if args.stream_mb else None))

        def s3_run():
            nopool = RuntimePeer(tls, token, bin_dir, pool=0, label="SPIN runtime, no pool (SPIN_KERNEL_POOL=0)").start()
            try:
                return s3_start.run([runtime, nopool] + ([js] if js else []))
            finally:
                nopool.stop()
        s3 = scenario(3, s3_run)
        if kg:  # not needed beyond here
            kg.stop()
        many_peers = [runtime] + ([js_nd] if js_nd and args.js_many == "yes" else [])
        s4 = scenario(4, lambda: s4_many.run(many_peers))

        def s5_run():
            nginx = NginxPeer(tls, token, runtime.socket).start()
            try:
                return s5_forward.run(runtime, nginx, runtime)
            finally:
                nginx.stop()
        s5 = scenario(5, s5_run)
    finally:
        for peer in (runtime, js, js_nd, kg):
            if peer:
                try:
                    peer.stop()
                except Exception as error:
                    log(f"stopping {peer.label}: {error}")
        Proc.stop_all()

    # ------------------------------------------------------------------ table
    rt = "SPIN runtime (gateway, TLS)"
    ex = ExecutorSocketPeer.label
    jsl, jsnl, kgl = "Jupyter Server 2 (stock)", "Jupyter Server 2 + TCP_NODELAY", "Kernel Gateway 3 (stock)"
    if s1:
        rows, f = s1["rows"], s1["rows"][FLOOR]
        for label, row in rows.items():
            r50, r99 = ratio(row["p50"], f["p50"]), ratio(row["p99"], f["p99"])
            target50 = target99 = met = ""
            if label == rt:
                nd = rows.get(jsnl, {}).get("p50", float("inf"))
                ok50 = r50 <= 1.1 and row["p50"] <= nd
                target50, target99 = "p50 ≤ 1.1× floor and ≤ JS+NODELAY", "p99 ≤ 1.3× floor"
                met = f"p50 {verdict(ok50)}, p99 {verdict(r99 <= 1.3)}"
            cpu = row.get("server_cpu_ms_per_execute")
            table.add("1 execute `1+1`", label, f"p50 / p99 ms (n={row['n']}); server CPU ms per execute",
                      f"{fmt(row['p50'], 2)} / {fmt(row['p99'], 2)}" + (f"; {fmt(cpu, 2)}" if label != FLOOR and cpu is not None else ""),
                      f"{fmt(r50, 2)}× / {fmt(r99, 2)}×", f"{target50}; {target99}" if target50 else "", met)
    if s2:
        rows, f = s2["rows"], s2["rows"][FLOOR]
        for label, row in rows.items():
            if "error" in row:
                table.add("2 stream", label, "error", row["error"][:80])
                continue
            target = met = ""
            paired, paced, speed = row.get("paired"), row.get("paced"), row.get("kernel_speed")
            rate = paired["median"] if paired else ratio(row["mb_per_s"], f.get("mb_per_s"))
            failed = row.get("failed_samples", 0)
            if label == rt:
                ok = row["delivered"] >= 0.999999 and rate >= 0.9 and not failed
                target, met = "100 % at ≥ 0.9× floor MB/s, bounded memory", verdict(ok)
            rss = f", server RSS peak {fmt(row['server_rss_peak_mb'], 0)} MB" if label != FLOOR else ""
            kernel = f", kernel busy {fmt(row['kernel_seconds'], 2)} s" if row.get("kernel_seconds") else ""
            shown = f" (median of {', '.join(fmt(x, 2) for x in paired['each'])})" if paired else ""
            if paced and speed:
                shown += (f" = pace {fmt(paced['median'], 2)}× ({', '.join(fmt(x, 2) for x in paced['each'])})"
                          f" × kernel speed {fmt(speed['median'], 2)}× ({', '.join(fmt(x, 2) for x in speed['each'])})")
            shown += f"; {failed} sample(s) failed" if failed else ""
            table.add(f"2 stream {s2['size'] // 1_000_000} MB", label, "delivered, MB/s, s",
                      f"{row['delivered'] * 100:.1f} %, {fmt(row['mb_per_s'])} MB/s, {fmt(row['seconds'], 2)} s{kernel}{rss}",
                      f"{fmt(rate, 2)}× rate{shown}", target, met)
    if s3:
        for label, row in s3["rows"].items():
            target = met = ""
            if label == rt:
                target, met = "≤ 50 ms with pool", verdict(row["p50"] <= 50)
            table.add("3 kernel start", label, f"p50 (min–max) ms, n={row['n']}",
                      f"{fmt(row['p50'], 0)} ({fmt(row['min'], 0)}–{fmt(row['max'], 0)})", "", target, met)
    if s4:
        for label, row in s4["rows"].items():
            if "error" in row:
                table.add("4 many clients", label, "error", row["error"][:80])
                continue
            target = met = ""
            if label == rt:
                target, met = "zero lost", verdict(row["lost"] == 0)
            table.add(f"4 {s4['kernels']}×{s4['clients']} clients × {s4['cells']} cells", label, "p50 / p99 ms, lost, exec/s, server RSS peak",
                      f"{fmt(row['p50'], 1)} / {fmt(row['p99'], 1)}, lost {row['lost']}, {fmt(row['executes_per_s'], 0)}/s, {fmt(row['server_rss_peak_mb'], 0)} MB",
                      "", target, met)
    if s5:
        rows = s5["rows"]
        g, n = rows.get(rt), rows.get(NginxPeer.label)
        paired = g.get("paired") if g else None
        for label, row in rows.items():
            shown, target, met = _s5_verdict(label == rt, row, n, paired, "http_rps", "http_p99", "rps", " req/s")
            table.add(f"5 HTTP GET {s5['path']} (wrk -c16)", label, "req/s, p50 / p99 ms; proxy CPU µs/request (executor behind it)",
                      f"{fmt(row['http_rps'], 0)}, {fmt(row['http_p50'], 2)} / {fmt(row['http_p99'], 2)}"
                      + (f"; {fmt(row['http_proxy_cpu_us'], 0)}" if "http_proxy_cpu_us" in row else "")
                      + (f" ({fmt(row['http_executor_cpu_us'], 0)})" if "http_executor_cpu_us" in row else "")
                      + (f", non-2xx {row['http_non_2xx']}" if row["http_non_2xx"] else ""), shown, target, met)
        for label, row in rows.items():
            shown, target, met = _s5_verdict(label == rt, row, n, paired, "ws_per_s", "ws_p99", "rate", "")
            table.add("5 WebSocket echo (wss)", label, "8 conns: frames/s, p99 ms; 1 conn: p50 / p99 ms",
                      f"{fmt(row['ws_per_s'], 0)}/s, {fmt(row['ws_p99'], 2)}; {fmt(row['ws1_p50'], 2)} / {fmt(row['ws1_p99'], 2)}",
                      shown, target, met)
    idle = results["scenarios"].get("6_idle")
    if idle:
        base = idle.get(jsl)
        for label, mem in idle.items():
            target = met = ""
            if label == "SPIN gateway + executor" and base:
                target = "≤ 1/3 of Jupyter Server"
                met = (f"RSS {verdict(mem['rss'] <= base['rss'] / 3)}, PSS {verdict(mem['pss'] <= base['pss'] / 3)}, "
                       f"anon {verdict(mem['anon'] <= base['anon'] / 3)}")
            table.add("6 idle memory (server processes only)", label, "VmRSS / PSS / anon MB",
                      f"{fmt(mem['rss'], 1)} / {fmt(mem['pss'], 1)} / {fmt(mem['anon'], 1)}",
                      f"{fmt(ratio(mem['rss'], base['rss']), 2)}× / {fmt(ratio(mem['pss'], base['pss']), 2)}× / "
                      f"{fmt(ratio(mem['anon'], base['anon']), 2)}× JS" if base else "", target, met)
        if s4:
            for label, row in s4["rows"].items():
                if "server_rss_peak_mb" in row:
                    after = row.get("memory_after_mb", {})
                    table.add("6 memory under scenario 4", label, "VmRSS peak; VmRSS / PSS / anon at the end (MB)",
                              f"{fmt(row['server_rss_peak_mb'], 1)}; {fmt(after.get('rss'), 1)} / {fmt(after.get('pss'), 1)} / {fmt(after.get('anon'), 1)}")

    text = table.markdown()
    print()
    print(text)
    results["table"] = text
    results["failures"] = failures
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / (args.results or ("quick.json" if QUICK else "latest.json"))).write_text(json.dumps(results, indent=1, default=str))
    if not args.no_write:
        Path(args.out).write_text(render_doc(results, text, sys.argv))
        log(f"wrote {args.out}")
    return 1 if failures else 0


def findings() -> str:
    """The hand-written analysis of the misses (bench/findings.md), kept across runs."""
    path = ROOT / "bench" / "findings.md"
    return "\n" + path.read_text() if path.exists() else ""


def _s5_verdict(is_runtime, row, nginx, paired, rate_key, p99_key, word, unit):
    """Scenario 5's ratio column, target and verdict for one row: the median of the
    per-repeat ratios when the run has them, else the best runs' ratio."""
    rr = ratio(row[rate_key], nginx[rate_key]) if nginx else float("nan")
    if not (is_runtime and nginx):
        return f"{fmt(rr, 2)}× nginx", "", ""
    target = f"≥ 0.8× nginx{unit}, p99 ≤ nginx"
    if paired:
        rate, p99 = paired[rate_key], paired[p99_key]
        shown = f"{fmt(rate['median'], 2)}× nginx ({_spread(rate['each'])}); p99 {fmt(p99['median'], 2)}×"
        if len(p99["each"]) > 8:
            shown += f" ({_spread(p99['each'])})"
        return shown, target, f"{word} {verdict(rate['median'] >= 0.8)}, p99 {verdict(p99['median'] <= 1.0)}"
    return f"{fmt(rr, 2)}× nginx", target, f"{word} {verdict(rr >= 0.8)}, p99 {verdict(row[p99_key] <= nginx[p99_key])}"


def _spread(values) -> str:
    """Per-pair ratios: each one when there are few, else their count and quartiles."""
    if len(values) <= 8:
        return "median of " + ", ".join(fmt(x, 2) for x in values)
    q1, _, q3 = statistics.quantiles(values, n=4)
    return f"median of {len(values)} pairs, quartiles {fmt(q1, 2)}–{fmt(q3, 2)}"


def render_doc(results, table, argv) -> str:
    facts = results["facts"]
    facts_lines = "\n".join(f"- {k}: {v}" for k, v in facts.items())
    loads = ", ".join(f"scenario {k}: {v}" for k, v in results["load"].items())
    return f"""# Benchmarks: SPIN Runtime side by side

Generated by `make bench` (which runs `bench/run_all.py{' ' + ' '.join(argv[1:]) if argv[1:] else ''}`{', BENCH_QUICK=1' if results['quick'] else ''}).
All peers in one run, on one machine, with the same ipykernel; TLS (one test CA and
certificate) and a token wherever the peer supports them. Speed is never asserted in
tests; this page is the record.

{table}

## How it was measured

- **Peers.** *SPIN runtime*: `spin-gateway` (release build with the Swift standard
  library and Foundation linked statically and Swift's run-time exclusivity checks off,
  as in the Docker image (`make release`); TLS, token as the
  `spin.token.*` WebSocket subprotocol beside `spin.json`, `Authorization` header for
  HTTP) spawning `spin-executor`; *executor socket*: the same executor reached directly
  on its Unix socket; *Jupyter Server 2 (stock)* with `certfile`/`keyfile` and a token;
  *Jupyter Server 2 + TCP_NODELAY*: the same, started by a launcher that makes the kernel
  WebSocket handler's `open()` call `self.set_nodelay(True)`; *Kernel Gateway 3* with
  TLS and `auth_token`; *jupyter_client over ZeroMQ*: the floor, no server at all;
  *nginx*: TLS terminator (same certificate, an `Authorization` check, keep-alive
  upstream, WebSocket upgrade headers) proxying to the runtime's executor socket.
- **Clients.** Python `websockets` (no compression, JSON text frames with a `channel`
  field — the protocol every peer speaks), `requests` for REST, `wrk` for HTTP load.
- **1** — `1+1`, one kernel and one WebSocket per peer, time from sending
  `execute_request` to having `execute_reply`, `execute_result` and `status: idle`;
  runs split in rounds rotating over the peers; warm-up excluded.
- **2** — one cell writes the size in 100-byte lines to stdout; time until `idle`,
  bytes of `stream` text that reached the client, peak RSS of the server processes.
  Floor MB/s = what `jupyter_client` reads straight from the kernel. The floor and the
  runtime (gateway, executor socket) run five times, alternating, each on a fresh
  kernel; the value column shows the median run (with the lowest share delivered and
  the highest RSS peak of the five), the ratio the median of each repeat's ratio to
  the floor run just before it. The kernel's own speed moves between samples (its
  busy time, by its own status stamps, was 4.2–5.3 s for the same 100 MB), so each
  repeat's ratio is also split into pace (busy time over the client's time to have
  everything, the runtime's over the floor's: below 1, delivery trailed the kernel)
  and kernel speed (the floor sample's busy time over the runtime sample's).
  Jupyter Server and Kernel Gateway run once, against the floor's median run.
- **3** — `POST /api/kernels` → WebSocket → `kernel_info_request` → first
  `kernel_info_reply`; kernel deleted after each sample, 3 s pause between samples
  (the runtime's pool refills meanwhile).
- **4** — 20 kernels × 10 WebSocket clients (own session ids) each running `1+1`
  cells one after the other, all at once; lost = expected `execute_reply` + `idle`
  messages not received within 120 s.
- **5** — `wrk -t1 -c16 --latency` with the token header against `GET /api/status`;
  proxy CPU per request = utime + stime of the forwarding processes only (the gateway;
  nginx's master and workers) over wrk's request count — the executor behind both is
  the same process, and its CPU per request behind each proxy is shown in brackets; the
  echo kernel's start-up is over before the first run, and the scenario waits until the
  machine uses less than 0.3 cores (scenario 4's kernels may still be exiting). Six
  repeats per peer, the peers' order swapped from one repeat to the next (ABBA, each
  order three times); the value column shows each peer's best run, the ratio and the
  verdict use the median of the six per-repeat ratios (each run against the other peer's run next to it: the
  shared machine's load moves between repeats, and one lucky run of either peer
  decided a best-of-two ratio). WebSocket: a malformed frame that the executor answers
  itself (`spin_error`), so no kernel is in the loop; 2 000 round trips on one
  connection, then 2 000 on each of 8 at once (16 000, about 1.5 s), in the same
  repeats.
- **6** — RSS (`VmRSS` from `/proc`) of the servers' own processes: gateway +
  executor for the runtime, the server process for Jupyter Server / Kernel Gateway.
  Kernel processes are excluded (the same ipykernel for every peer); the runtime's
  idle figure is with its one pool kernel started (its process not counted).

## Machine

{facts_lines}
- load average at each scenario's start: {loads}

The machine is shared (2 cores, colleagues compiling): compare ratios within one run,
and read the load averages beside them.
{findings()}"""


if __name__ == "__main__":
    sys.exit(main())
