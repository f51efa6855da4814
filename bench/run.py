"""`make bench`: the personal feed under gunicorn, measured with wrk against a Flask "hello".

A temporary SQLite database (migrated with `flask db upgrade`) holds a member's schedule
(bench/feedbench.py seed). Clubapp and bench/hello.py each run under gunicorn with 2 sync
workers on 127.0.0.1; wrk (bench/count.lua) measures (a) a conditional request answered 304,
(b) a full 200, (c) hello; then (d) the first build after a change. The figures and the machine
facts go to bench/results.md. Loopback only; every run is bounded in time.
"""
from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV = ROOT / ".venv" / "bin"
WRK_ARGS = ["-t2", "-c16", "-d4s", "--timeout", "5s"]
ROUNDS = 5  # each kind once per round, in turn: a neighbour's load hits all three alike
FIRST_BUILD_REPS = 9
WORST_ROUNDS = 7
TARGETS = {"304": 0.8, "200": 0.5, "first_build_ms": 20.0}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def gunicorn(app: str, port: int, env: dict[str, str], log: Path, chdir: Path = ROOT) -> subprocess.Popen:
    """gunicorn with the settings both apps share: 2 sync workers, loopback, no access log."""
    return subprocess.Popen(  # noqa: S603
        [str(VENV / "gunicorn"), "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
         "--chdir", str(chdir), "--log-level", "warning", "--error-logfile", str(log), app],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def wrk(url: str, etag: str | None = None, tokens: list[str] | None = None) -> dict:
    env = {**os.environ, "BENCH_ETAG": etag or "", "BENCH_TOKENS": ",".join(tokens or [])}
    script = "rsvp.lua" if tokens else "count.lua"
    result = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "wrk", *WRK_ARGS, "--latency", "-s", str(BENCH / script), url],
        capture_output=True, text=True, env=env, timeout=60, check=True)
    out = result.stdout
    statuses = json.loads(re.search(r"^STATUSES (\{.*\})$", out, re.M).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "statuses": statuses, "p50": latency.get("50"), "p99": latency.get("99"),
            "errors": re.search(r"Socket errors:.*", out).group(0) if "Socket errors" in out else ""}


def head(url: str, **headers: str) -> tuple[int, dict[str, str], int]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), 0


def version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    except OSError:
        return "?"
    text = (result.stdout or result.stderr).strip()
    return text.splitlines()[0].split(" Copyright")[0] if text else "?"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make bench` (it installs Debian's wrk)")
    work = Path(tempfile.mkdtemp(prefix="clubapp-bench-"))
    env = {**os.environ,
           "CLUBAPP_SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite3'}",
           "CLUBAPP_SECRET_KEY": "bench-secret-key-not-for-production",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    print(f"bench: database in {work}", flush=True)
    subprocess.run([str(VENV / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,  # noqa: S603
                   capture_output=True)
    seed_file = work / "seed.json"
    subprocess.run([str(VENV / "python"), str(BENCH / "feedbench.py"), "seed", str(seed_file)], cwd=ROOT,  # noqa: S603
                   env=env, check=True)
    facts = json.loads(seed_file.read_text())
    app_port, hello_port = free_port(), free_port()
    servers = [gunicorn("wsgi:app", app_port, env, work / "clubapp.log"),
               gunicorn("hello:app", hello_port, env, work / "hello.log", chdir=BENCH)]
    try:
        feed_url = f"http://127.0.0.1:{app_port}{facts['feed_path']}"
        hello_url = f"http://127.0.0.1:{hello_port}/"
        wait_up(feed_url)
        wait_up(hello_url)
        # Warm both workers (imports, VTIMEZONEs, the cached body).
        for _ in range(20):
            status, headers, size = head(feed_url)
            assert status == 200, status
            head(hello_url)
        etag = headers["ETag"]
        assert head(feed_url, **{"If-None-Match": etag})[0] == 304
        load_before = os.getloadavg()[0]
        runs: dict[str, list[dict]] = {"304": [], "200": [], "rsvp": [], "hello": []}
        rsvp_url = f"http://127.0.0.1:{app_port}{facts['rsvp']['path']}"
        for round_ in range(ROUNDS):
            print(f"bench: round {round_ + 1}/{ROUNDS}: wrk 304 / 200 / answers / hello ...", flush=True)
            runs["304"].append(wrk(feed_url, etag))
            runs["200"].append(wrk(feed_url))
            runs["rsvp"].append(wrk(rsvp_url, tokens=facts["rsvp"]["tokens"]))
            runs["hello"].append(wrk(hello_url))
        results = {kind: median_run(kind_runs) for kind, kind_runs in runs.items()}
        # Ratios per round (its three runs are seconds apart), then their median.
        ratios = {kind: statistics.median(run["rps"] / hello["rps"] for run, hello in zip(runs[kind], runs["hello"],
                                                                                           strict=True))
                  for kind in ("304", "200", "rsvp")}
        load_after = os.getloadavg()[0]
        print("bench: first build after a change ...", flush=True)
        built = subprocess.run(  # noqa: S603
            [str(VENV / "python"), str(BENCH / "feedbench.py"), "first-build", str(seed_file), feed_url,
             str(FIRST_BUILD_REPS)], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300)
        first = json.loads(built.stdout.strip().splitlines()[-1])
        print("bench: in process, per WSGI call ...", flush=True)
        in_process = json.loads(subprocess.run(  # noqa: S603
            [str(VENV / "python"), str(BENCH / "feedbench.py"), "wsgi", str(seed_file),
             f"http://127.0.0.1:{app_port}/", "5000"], cwd=ROOT, env=env, check=True, capture_output=True,
            text=True, timeout=300).stdout.strip().splitlines()[-1])
        print("bench: the worst schedule the API accepts, in process ...", flush=True)
        worst = json.loads(subprocess.run(  # noqa: S603
            [str(VENV / "python"), str(BENCH / "worst.py"), str(seed_file), str(WORST_ROUNDS)], cwd=ROOT, env=env,
            check=True, capture_output=True, text=True, timeout=600).stdout.strip().splitlines()[-1])
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    write_results(results, ratios, first, in_process, worst, size, facts, (load_before, load_after))
    shutil.rmtree(work, ignore_errors=True)


def worst_lines(worst: dict) -> list[str]:
    """(f): the worst schedule the API accepts against the typical member, with the budgets."""
    lines = [
        "",
        f"(f) The worst schedule the API accepts (bench/worst.py, in process, median of {worst['rounds']}): a club "
        f"holding its maximum of {worst['series']} series, every one daily from {worst['first_start']} (as far "
        f"back as a new series may start) to {worst['until']} (the end of the date window); one more series is "
        f"refused with {worst['refused_status']}. A member of that club against the bench president (3 weekly "
        "series):",
        "| page | typical ms | worst ms | worst / typical | budget | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for page, budget in worst["budget_ms"].items():
        typical, bad = worst["typical"][page], worst["worst"][page]
        lines.append(f"| {page} | {typical:.1f} | {bad:.1f} | {bad / typical:.1f} | < {budget} ms | "
                     f"{verdict(bad, budget, higher=False)} |")
    lines.append(f"\nThe worst feed is {worst['worst']['feed bytes']} bytes ({worst['typical']['feed bytes']} "
                 "for the typical member): one master per series, whatever the span.")
    return lines


def median_run(runs: list[dict]) -> dict:
    """The run with the median requests/s, with every run's figure kept."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    return {**ordered[len(ordered) // 2], "all": [round(run["rps"]) for run in runs]}


def row(label: str, result: dict, ratio: float, target: str) -> str:
    return (f"| {label} | {result['rps']:.0f} {result['all']} | {ratio:.2f} | {target} | {result['p50']} | "
            f"{result['p99']} | {result['statuses']} |")


def verdict(value: float, target: float, higher: bool = True) -> str:
    met = value >= target if higher else value < target
    return "met" if met else "**missed**"


def write_results(results: dict, ratio: dict, first: dict, in_process: dict, worst: dict, size: int, facts: dict,
                  load: tuple[float, float]) -> None:
    fmt = lambda ms: f"{ms:.1f}"  # noqa: E731
    lines = [
        "# Feed benchmark",
        "",
        f"Written by `make bench` (bench/run.py) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "## Machine and settings",
        f"- nproc: {len(os.sched_getaffinity(0))} ({cpu_model()}); Python {platform.python_version()}; "
        f"{version([str(VENV / 'gunicorn'), '--version'])}; {version([shutil.which('wrk') or 'wrk', '--version'])}",
        "- gunicorn: 2 sync workers on 127.0.0.1, no access log, the same for Clubapp and bench/hello.py; "
        "Clubapp on the embedded SQLite (a temporary file migrated with `flask db upgrade`), the feed "
        "cache in process (SimpleCache, per worker)",
        f"- wrk {' '.join(WRK_ARGS)} over loopback, bench/count.lua counting statuses, {ROUNDS} rounds "
        "taking each kind in turn (the median round is shown, every round in brackets); wrk and the "
        f"servers share the same cores; load average {load[0]:.2f} before, {load[1]:.2f} after (other "
        "work on the machine lowers every figure)",
        f"- the feed: a member's personal feed, 3 weekly series over 2 years (Paris, Paris, Lima), "
        f"{len(facts['edited'])} edited occurrences (moved, retitled, cancelled, relinked) and a Christmas "
        f"closure: {size} bytes, {first['vevents']} VEVENTs",
        "",
        "## Figures",
        "| request | requests/s, median (rounds) | × hello, median of rounds | target | p50 | p99 | "
        "statuses (median round) |",
        "|---|---:|---:|---|---:|---:|---|",
        row("(a) feed, conditional, answered 304", results["304"], ratio["304"],
            f"≥ 0.8 × hello: {verdict(ratio['304'], TARGETS['304'])}"),
        row("(b) feed, full 200", results["200"], ratio["200"],
            f"≥ 0.5 × hello: {verdict(ratio['200'], TARGETS['200'])}"),
        row(f"(e) answer written: PUT rsvp, yes and no in turn, {facts['rsvp']['members']} members, "
            f"capacity {facts['rsvp']['capacity']} (waitlist, promotions)", results["rsvp"], ratio["rsvp"],
            "none set"),
        row("(c) Flask hello", results["hello"], 1.0, ""),
        "",
        f"(d) first build after a change (the change made through the service, then the first GET, "
        f"n={len(first['first_get_ms'])}): median **{fmt(first['first_get_median_ms'])} ms** over HTTP "
        f"(min {fmt(min(first['first_get_ms']))}, max {fmt(max(first['first_get_ms']))}); target < 20 ms: "
        f"{verdict(first['first_get_median_ms'], TARGETS['first_build_ms'], higher=False)}. The build alone "
        f"(services.feeds.personal_feed(...).build(), in process): median {fmt(first['build_median_ms'])} ms; "
        f"the GET after it (cached body): median {fmt(first['cached_get_median_ms'])} ms.",
        "",
        "In process, per WSGI call (no server, no socket; median of 5 batches of 1,000 calls):",
        "| call | µs | × hello |",
        "|---|---:|---:|",
        *(f"| {label} | {in_process[key]:.0f} | {in_process[key] / in_process['hello_us']:.1f} |" for label, key in (
            ("Flask hello (bench/hello.py)", "hello_us"),
            ("Clubapp, a no-op route (every extension's hooks, no work)", "ping_us"),
            ("Clubapp, feed answered 304", "feed_304_us"),
            ("Clubapp, feed 200 (cached body)", "feed_200_us"))),
    ]
    lines += worst_lines(worst)
    errors = [f"{k}: {v['errors']}" for k, v in results.items() if v["errors"]]
    if errors:
        lines += ["", "wrk socket errors: " + "; ".join(errors)]
    notes = BENCH / "notes.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    (BENCH / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
