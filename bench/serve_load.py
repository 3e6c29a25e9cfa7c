"""Load test of ``kgtool serve`` beside ``oxigraph serve-read-only`` and Virtuoso, same data.

Every server gets the same files and the same mix of *distinct* SELECT and ASK queries (their
constants vary, so no answer is served from a cache), from N concurrent clients, in rounds that
alternate the servers; the medians of the rounds are printed as a Markdown table with each
server's ratio to Oxigraph's, measured in the same run. ``--runaway`` adds a second table: the
same mix while one more client keeps sending a query that runs past the time limit, to show what
a runaway query costs the others; each server is restarted after such a round, so that a
runaway it does not stop cannot slow the next server's round. Timings are printed, never
asserted.

    python bench/serve_load.py --clients 1 8 32 --requests 400 --rounds 3 --runaway

Servers run on free 127.0.0.1 ports and are stopped at the end. Oxigraph's server is the
``oxigraph`` command from PyPI (``pip install oxigraph``). Virtuoso (Debian's
``virtuoso-opensource`` package: ``apt-get install -y virtuoso-opensource``) runs too when its
``virtuoso-t`` is installed: from a temporary folder with its own ``virtuoso.ini``, on 127.0.0.1
only, the same quads bulk-loaded, ``MaxQueryExecutionTime`` set to the time limit; without it
the table says it was not measured.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PREFIXES = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX kg: <https://w3id.org/eleutherai-kg/ontology/>\n"
)
#: A query no server answers within the limit: three unrelated patterns, joined.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{name} did not start within 120 s")


@dataclass
class Server:
    """A running server: its name, its SPARQL endpoint URL, its process and how it was started."""

    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    argv: list[str]
    cwd: Path | None = None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        """Stop the server and start it again on the same port and data.

        After a round beside a runaway query: a server that does not stop it (Oxigraph's goes
        on past ``--timeout-s``) would otherwise keep a core busy through the next server's
        round and slow it.
        """
        self.stop()
        self.process = launch(self.argv, self.cwd)
        wait_until_up(self.endpoint, self.process, self.name)


def launch(argv: list[str], cwd: Path | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_kgtool(files: list[Path], workers: int | None, timeout: float, cache: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "kgtool", "serve", "--port", str(port)]
    argv += ["--timeout", str(timeout), "--cache-dir", str(cache)]
    if workers is not None:
        argv += ["--workers", str(workers)]
    for f in files:
        argv += ["--data", str(f)]
    process = launch(argv)
    endpoint = f"http://127.0.0.1:{port}/sparql"
    wait_until_up(endpoint, process, "kgtool serve")
    return Server("kgtool serve", endpoint, process, argv)


def start_oxigraph(files: list[Path], timeout: float, folder: Path) -> Server:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("the oxigraph command is missing: pip install oxigraph")
    location = folder / "oxigraph-store"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", *map(str, files)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = free_port()
    argv = [binary, "serve-read-only", "--location", str(location)]
    argv += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    argv += ["--timeout-s", str(int(timeout))]
    process = launch(argv)
    endpoint = f"http://127.0.0.1:{port}/query"
    wait_until_up(endpoint, process, "oxigraph serve-read-only")
    return Server("oxigraph serve-read-only", endpoint, process, argv)


#: Virtuoso's configuration for a throwaway local instance (the packaged service is not used).
VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = ., {dir}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = {threads}
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = {timeout}
"""


def start_virtuoso(files: list[Path], timeout: float, folder: Path, threads: int) -> Server | None:
    """Virtuoso with the same quads (the ontology in a graph of its own), or None without it.

    With no ``FROM``, Virtuoso's default graph is the union of its graphs, as Oxigraph's is with
    ``--union-default-graph``.
    """
    import pyoxigraph as ox

    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if binary is None or isql is None:
        return None
    home = folder / "virtuoso"
    home.mkdir()
    quads = []
    for f in files:
        for quad in ox.parse(path=str(f)):
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                graph = ox.NamedNode(f.resolve().as_uri())
            quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
    (home / "data.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.format(
        dir=home, sql_port=sql_port, http_port=http_port, threads=threads, timeout=int(timeout)
    )
    (home / "virtuoso.ini").write_text(ini, encoding="utf-8")
    argv = [binary, "+foreground", "+configfile", str(home / "virtuoso.ini")]
    process = launch(argv, home)
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    wait_until_up(endpoint, process, "virtuoso")
    script = f"ld_dir('{home}', 'data.nq', 'urn:x-bench:default'); rdf_loader_run(); checkpoint;"
    subprocess.run(
        [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={script}"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    graphs = " ".join(sorted({str(q.graph_name) for q in quads}))
    # The same data or no figures: Virtuoso's loader logs a file it cannot read and goes on.
    answer = httpx.get(
        endpoint,
        params={
            "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} "
            "GRAPH ?g { ?s ?p ?o } }"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()
    count = int(answer["results"]["bindings"][0]["n"]["value"])
    if count != len(set(quads)):
        process.kill()
        raise SystemExit(f"virtuoso holds {count} quads, not {len(set(quads))}")
    return Server("virtuoso", endpoint, process, argv, home)


def entities(files: list[Path]) -> list[str]:
    """The IRIs that have a label in the data (the constants the query mix varies)."""
    import pyoxigraph as ox

    store = ox.Store()
    for f in files:
        store.load(path=str(f))
    answer = store.query(
        PREFIXES + "SELECT DISTINCT ?s WHERE { ?s rdfs:label ?l } ORDER BY ?s",
        use_default_graph_as_union=True,
    )
    assert isinstance(answer, ox.QuerySolutions)
    return [solution["s"].value for solution in answer]


def query_mix(iris: list[str]) -> Iterator[str]:
    """Distinct queries, endlessly: each template with a changing constant."""
    letters = "ABCDEFGHIJKLMNOPRSTW"
    for i in itertools.count():
        iri = iris[i % len(iris)]
        kind = i % 5
        if kind == 0:
            yield f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o LIMIT {50 + i % 50}"
        elif kind == 1:
            letter = letters[i % len(letters)]
            yield (
                PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label "
                f'FILTER(STRSTARTS(STR(?label), "{letter}")) }} ORDER BY ?label '
                f"LIMIT {10 + i % 40}"
            )
        elif kind == 2:
            yield (
                "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c "
                f"HAVING (COUNT(?s) > {i % 7}) ORDER BY ?c"
            )
        elif kind == 3:
            yield f"ASK {{ ?s ?p <{iri}> }}"
        else:
            yield (f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} ORDER BY ?s ?p LIMIT {20 + i % 30}")


@dataclass(frozen=True)
class Measure:
    throughput: float
    p50: float
    p99: float
    errors: int


def load(endpoint: str, queries: list[str], clients: int, runaway_timeout: float | None) -> Measure:
    """Send ``queries`` from ``clients`` threads; with ``runaway_timeout`` one more client keeps
    sending the runaway query (its own answers are not counted)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    todo = iter(queries)
    done = threading.Event()
    accept = {"Accept": "application/sparql-results+json"}

    def client() -> None:
        nonlocal errors
        with httpx.Client(timeout=120) as http:
            for text in todo:
                started = time.perf_counter()
                try:
                    ok = http.get(endpoint, params={"query": text}, headers=accept).is_success
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors += 0 if ok else 1

    def runaway() -> None:
        assert runaway_timeout is not None
        with httpx.Client(timeout=runaway_timeout * 4 + 30) as http:
            while not done.is_set():
                try:
                    http.get(endpoint, params={"query": RUNAWAY}, headers=accept)
                except httpx.HTTPError:
                    time.sleep(0.1)

    extra = []
    if runaway_timeout is not None:
        extra = [threading.Thread(target=runaway, daemon=True)]
        extra[0].start()
        time.sleep(0.5)  # the runaway query is running before the others start
    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    done.set()
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return Measure(len(ordered) / wall, statistics.median(ordered), p99, errors)


def table(
    title: str,
    results: dict[tuple[str, int], list[Measure]],
    names: list[str],
    clients: list[int],
) -> None:
    print(f"\n{title}\n")
    header = "| server | clients | requests/s | p50 (ms) | p99 (ms) | errors |"
    print(header + " vs Oxigraph (req/s, p99) |")
    print("|---|---|---|---|---|---|---|")
    for n in clients:
        base = results.get(("oxigraph serve-read-only", n))
        for name in names:
            runs = results[(name, n)]
            tput = statistics.median(m.throughput for m in runs)
            p50 = statistics.median(m.p50 for m in runs) * 1000
            p99 = statistics.median(m.p99 for m in runs) * 1000
            errs = sum(m.errors for m in runs)
            ratio = "-"
            if base is not None:
                b_tput = statistics.median(m.throughput for m in base)
                b_p99 = statistics.median(m.p99 for m in base) * 1000
                ratio = f"{tput / b_tput:.2f}x, {p99 / b_p99:.2f}x"
            print(f"| {name} | {n} | {tput:.0f} | {p50:.1f} | {p99:.1f} | {errs} | {ratio} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, nargs="*", help="facts (default: the shipped graph)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=400, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds per server")
    parser.add_argument("--workers", type=int, help="kgtool serve --workers (default: its own)")
    parser.add_argument("--timeout", type=float, default=5.0, help="query time limit, seconds")
    parser.add_argument("--runaway", action="store_true", help="also measure beside a runaway")
    parser.add_argument(
        "--virtuoso-threads", type=int, help="Virtuoso's ServerThreads (default: 2 per core)"
    )
    args = parser.parse_args()

    from kgtool.core import paths

    files = [paths.ontology_file()]
    files += args.data or sorted(paths.graph_dir().rglob("*.trig"))
    iris = entities(files)
    mix = query_mix(iris)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        servers = [
            start_kgtool(files[1:], args.workers, args.timeout, folder / "cache"),
            start_oxigraph(files, args.timeout, folder),
        ]
        threads = args.virtuoso_threads or 2 * (os.cpu_count() or 1)
        virtuoso = start_virtuoso(files, args.timeout, folder, threads)
        if virtuoso is None:
            print("virtuoso-t is not installed: Virtuoso not measured", file=sys.stderr)
        else:
            servers.append(virtuoso)
        names = [s.name for s in servers]
        try:
            scenarios = [("Distinct queries", None)]
            if args.runaway:
                scenarios.append(("Beside one runaway query", args.timeout))
            # One round per server that is not counted: each starts with the same warm state
            # (its workers forked and their first queries compiled, the files in the page cache).
            warm = [next(mix) for _ in range(args.requests)]
            for server in servers:
                load(server.endpoint, warm, max(args.clients), None)
            for title, runaway in scenarios:
                results: dict[tuple[str, int], list[Measure]] = {}
                for n in args.clients:
                    for _ in range(args.rounds):
                        # Each server gets the same new queries in this round.
                        queries = [next(mix) for _ in range(args.requests)]
                        for server in servers:
                            measure = load(server.endpoint, queries, n, runaway)
                            results.setdefault((server.name, n), []).append(measure)
                            print(server.name, n, measure, file=sys.stderr)
                            if runaway is not None:
                                server.restart()  # its runaway stops, whatever the server
                                load(server.endpoint, warm, n, None)
                table(
                    f"{title} ({len(files)} files, {args.rounds} rounds of "
                    f"{args.requests} requests)",
                    results,
                    names,
                    args.clients,
                )
        finally:
            for server in servers:
                server.stop()


if __name__ == "__main__":
    main()
