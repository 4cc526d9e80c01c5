"""Emulator throughput: `uv run python bench/bench_emulator.py`.

Starts the emulator (limits off) as a subprocess on a free loopback port, then from this one process measures
simple requests per second (read by id, a small query) and query paging over 10,000 customers.
Prints a table and writes bench/results/emulator.json.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent
REALM = "9341452000000001"
READS = 3000
QUERIES = 2000
CUSTOMERS = 10_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ, PYTHONPATH=str(ROOT.parent / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")
    )
    cmd = [sys.executable, "-m", "qbo_emulator", "--port", str(port), "--no-limits", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait = threading.Event()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/.well-known/openid_configuration", timeout=0.5)
            return proc
        except httpx.TransportError:
            wait.wait(0.05)
    proc.kill()
    raise RuntimeError("emulator did not start")


class Conn:
    """A keep-alive loopback connection with the stdlib client: the lightest client Python has, so the
    figures measure the emulator rather than the client library."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = headers

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def rate(port: int, headers: dict[str, str], path: str, count: int, connections: int = 1) -> dict[str, float]:
    """Requests/s over `connections` keep-alive connections driven by threads of this one process."""
    conns = [Conn(port, headers) for _ in range(connections)]
    for conn in conns:
        for _ in range(50):  # warm-up
            conn.get(path)
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(conn: Conn, n: int) -> None:
        local = []
        for _ in range(n):
            t0 = time.perf_counter()
            status, body = conn.get(path)
            local.append(time.perf_counter() - t0)
            assert status == 200, body[:200]
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker, args=(c, count // connections)) for c in conns]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    done = len(latencies)
    return {
        "requests": done,
        "connections": connections,
        "seconds": round(elapsed, 3),
        "per_second": round(done / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p99_ms": round(sorted(latencies)[int(done * 0.99)] * 1000, 3),
    }


def paging(conn: Conn, base: str) -> dict[str, Any]:
    """Page through all customers once (cold), timing each request until its whole body has arrived."""
    timings = []
    rows = 0
    for start in range(1, CUSTOMERS + 1, 1000):
        query = quote(f"SELECT * FROM Customer STARTPOSITION {start} MAXRESULTS 1000")
        t0 = time.perf_counter()
        status, body = conn.get(f"{base}/query?query={query}")
        timings.append(time.perf_counter() - t0)
        assert status == 200
        rows += len(json.loads(body)["QueryResponse"].get("Customer", []))
    return {
        "pages": len(timings),
        "rows": rows,
        "mean_ms": round(statistics.mean(timings) * 1000, 2),
        "max_ms": round(max(timings) * 1000, 2),
        "first_ms": round(timings[0] * 1000, 2),
    }


def main() -> int:
    port = free_port()
    proc = start_server(port)
    base_url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base_url, timeout=30) as control:
            token = control.post(
                "/_emulator/tokens", json={"client_id": "tanto-demo", "realm_id": REALM}
            ).json()
            t0 = time.perf_counter()
            control.post(
                "/_emulator/seed", json={"realm_id": REALM, "customers": CUSTOMERS}
            ).raise_for_status()
            seed_seconds = time.perf_counter() - t0
        headers = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"}
        base = f"/v3/company/{REALM}"
        conn = Conn(port, headers)
        small = quote("SELECT * FROM Customer WHERE DisplayName = 'Cool Cars'")
        results = {
            "read_by_id": rate(port, headers, f"{base}/customer/1", READS),
            "read_by_id_4_connections": rate(port, headers, f"{base}/customer/1", READS, 4),
            "small_query": rate(port, headers, f"{base}/query?query={small}", QUERIES),
            "small_query_4_connections": rate(port, headers, f"{base}/query?query={small}", QUERIES, 4),
            "paging_10k": paging(conn, base),
            "seed_10k_seconds": round(seed_seconds, 3),
        }
    finally:
        proc.terminate()
        proc.wait(10)
    results["targets"] = {"simple_per_second": 1000, "page_ms": 20}
    results["python"] = sys.version.split()[0]
    print(f"{'benchmark':<22}{'result':>14}  target")
    for key, label in (("read_by_id", "read by id"), ("small_query", "small query")):
        print(f"{label + ' (1 conn)':<22}{results[key]['per_second']:>10} r/s  >= 1000 r/s")
        print(f"{label + ' (4 conns)':<22}{results[key + '_4_connections']['per_second']:>10} r/s")
    print(f"{'1000-row page (mean)':<22}{results['paging_10k']['mean_ms']:>11} ms  <= 20 ms")
    print(f"{'1000-row page (max)':<22}{results['paging_10k']['max_ms']:>11} ms")
    print(f"{'seed 10k customers':<22}{results['seed_10k_seconds']:>12} s")
    out = ROOT / "results" / "emulator.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
