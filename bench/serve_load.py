"""Load test for ``kgtool serve``: N concurrent clients, a bounded number of requests.

Starts ``kgtool serve`` on a free 127.0.0.1 port (or uses ``--url``, which must be a loopback
address), sends a mix of SPARQL queries, a bundled query and entity pages, and prints throughput,
p50 and p99 latency and the error count. Timings are printed, never asserted.

    python bench/serve_load.py --clients 8 --requests 400
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import httpx

REQUESTS: list[tuple[str, dict[str, str], dict[str, str]]] = [
    (
        "/sparql",
        {"query": "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 50"},
        {"Accept": "application/sparql-results+json"},
    ),
    (
        "/sparql",
        {"query": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"},
        {"Accept": "text/csv"},
    ),
    ("/queries/founders", {"format": "json"}, {}),
    ("/eleutherai-kg/id/EleutherAI", {}, {"Accept": "text/html"}),
    ("/eleutherai-kg/id/EleutherAI", {}, {"Accept": "text/turtle"}),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(extra: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "kgtool", "serve", "--port", str(port), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/sparql?query=ASK{}", timeout=5).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("kgtool serve did not start within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=400, help="total requests")
    parser.add_argument("--url", help="an already running server on 127.0.0.1")
    parser.add_argument("--workers", type=int, default=2, help="server query workers")
    args = parser.parse_args()
    process = None
    if args.url:
        if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("--url must be a loopback address; this benchmark loads a server")
        url = args.url.rstrip("/")
    else:
        process, url = start_server(["--workers", str(args.workers)])
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(args.requests))

    def client() -> None:
        nonlocal errors
        with httpx.Client(base_url=url, timeout=60) as http:
            for i in counter:
                path, params, headers = REQUESTS[i % len(REQUESTS)]
                started = time.perf_counter()
                try:
                    ok = http.get(path, params=params, headers=headers).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors += 0 if ok else 1

    try:
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"clients {args.clients}, requests {len(latencies)}, server workers {args.workers}")
    print(f"throughput {len(latencies) / wall:.1f} requests/s over {wall:.2f} s")
    print(f"latency p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    print(f"errors {errors}")


if __name__ == "__main__":
    main()
