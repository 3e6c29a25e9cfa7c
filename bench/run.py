"""Benchmark kgtool against plain rdflib / owlrl / pyshacl and native pyoxigraph.

For each size it generates a graph (bench/generate.py), then times each stage and prints one
Markdown table: the median of several runs, and ratios to the baselines measured in the same
invocation. Cold-process rows are whole ``python`` processes, with their peak RSS (``ru_maxrss``).

Usage: python bench/run.py --sizes 1000 10000 [--runs 5] [--reason-max 10000] [--validate-max 1000]
    [--memory-max 100000] [--shipped]

Above ``--memory-max`` triples the kgtool memory-store rows are left out (minutes at 1 M, and not
what the targets compare); the rdflib baselines still run. The load stage also has a peak
memory row: whole processes loading the same files with kgtool (``--store oxigraph``), with
pyoxigraph's ``bulk_load`` and with rdflib's parser (GNU ``time``'s ``%M``).

``--shipped`` adds the cold-start rows on the shipped graph; with
``--sizes`` left empty (``--sizes``) only those rows run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pyoxigraph as ox  # noqa: E402
from generate import generate  # noqa: E402
from rdflib import Dataset  # noqa: E402

from kgtool.core.namespaces import PREFIXES  # noqa: E402
from kgtool.graph import KnowledgeGraph  # noqa: E402
from kgtool.io.sparql_text import inline_bindings  # noqa: E402
from kgtool.query.catalog import list_queries  # noqa: E402
from kgtool.query.run import bind_parameters, label_lookup, run_query, uses_service  # noqa: E402


def median(fn: Callable[[], Any], runs: int) -> float:
    """Return the median wall time of ``fn`` over ``runs`` runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and the largest peak RSS (MB) of a whole process."""
    times, peaks = [], []
    for _ in range(runs):
        # GNU time measures the exec'd process alone; a plain fork from this (large) process
        # would report this process's memory as the child's peak.
        with tempfile.NamedTemporaryFile("r") as out:
            start = time.perf_counter()
            subprocess.run(
                ["/usr/bin/time", "-f", "%M", "-o", out.name, *argv],
                check=True,
                stdout=subprocess.DEVNULL,
                env=ENV,
            )
            times.append(time.perf_counter() - start)
            peaks.append(int(out.read().strip().splitlines()[-1]))
    return statistics.median(times), max(peaks) / 1024


ENV = dict(os.environ)
# A pip-installed kgtool has its bytecode compiled, as rdflib and pyoxigraph (the baselines)
# have theirs; a sandbox that forbids writing bytecode would time kgtool's compiler instead.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
ROWS: list[tuple[str, str, str, str, str]] = []


def row(size: int, stage: str, ours: float, base: float | None, native: float | None) -> None:
    """Record a table row: our time, the rdflib-stack baseline and pyoxigraph native."""

    def ratio(x: float | None) -> str:
        return f"{ours / x:.2f}x" if x else "-"

    ROWS.append(
        (
            f"{size:,}" if size else "shipped",
            stage,
            f"{ours:.4f}",
            f"{base:.4f} ({ratio(base)})" if base else "-",
            f"{native:.4f} ({ratio(native)})" if native else "-",
        )
    )
    # Also as each row is measured: a long run (1 M) that is stopped keeps what it measured.
    print("| " + " | ".join(ROWS[-1]) + " |", file=sys.stderr, flush=True)


STAGES = ("load", "query", "export", "reason", "validate", "cold", "inspect", "commands")
EXPORT_FORMATS = ("turtle", "trig", "jsonld")


def bench_size(
    size: int,
    runs: int,
    reason_max: int,
    validate_max: int,
    folder: Path,
    stages: tuple[str, ...] = STAGES,
    memory_max: int = 100_000,
    formats: tuple[str, ...] = EXPORT_FORMATS,
    defects: int = 0,
    rdflib: bool = True,
) -> None:
    """Time the chosen stages at one size (memory-store rows only up to ``memory_max``; the
    rdflib baselines of loading, queries and export only with ``rdflib``)."""
    data = folder / f"kg-{size}.trig"
    data.write_text(generate(size, defects=defects), encoding="utf-8")
    onto = ROOT / "ontology" / "eleutherai.ttl"
    shapes = ROOT / "ontology" / "shapes.ttl"
    n = runs if size < 100_000 else 3

    def load(store: str) -> KnowledgeGraph:
        return KnowledgeGraph.load(data=[data], ontology=[onto], shapes=[shapes], store=store)

    def rdflib_load() -> Dataset:
        ds = Dataset(default_union=True)
        ds.parse(onto)
        ds.parse(data, format="trig")
        return ds

    def ox_load() -> Any:
        s = ox.Store()
        s.bulk_load(path=str(onto))
        s.bulk_load(path=str(data))
        return s

    scratch = tempfile.TemporaryDirectory(prefix="bench-disk-")

    def ox_disk_load() -> Any:
        # The kind of store kgtool keeps (RocksDB on disk, see kgtool.store.oxigraph._Handle):
        # its rows show what that choice costs beside Oxigraph's in-memory store.
        s = ox.Store(tempfile.mkdtemp(dir=scratch.name))
        s.bulk_load(path=str(onto))
        s.bulk_load(path=str(data))
        return s

    stores = ("memory", "oxigraph") if size <= memory_max else ("oxigraph",)
    if "load" in stages:
        t_ox = median(ox_load, n)
        t_rdf = median(rdflib_load, n) if rdflib else None
        for store in stores:
            row(size, f"load ({store})", median(lambda s=store: load(s), n), t_rdf, t_ox)
        row(
            size,
            "load, pyoxigraph bulk_load on disk (RocksDB)",
            median(ox_disk_load, n),
            t_rdf,
            t_ox,
        )
        bench_load_memory(size, n, data, onto, shapes, rdflib)
    # The reason and validate rows read the memory store whatever the size.
    # (above memory_max only validate does: reason reads the Oxigraph store there).
    needs_memory = "validate" in stages or ("reason" in stages and size <= memory_max)
    kgs = {s: load(s) for s in ("memory", "oxigraph") if s in stores or needs_memory}
    timed = {s: kg for s, kg in kgs.items() if s in stores}
    if "query" in stages or "export" in stages:
        plain = rdflib_load() if rdflib else None
        native = ox_load()
    if "query" in stages:
        bench_queries(size, n, timed, plain, native, ox_disk_load())
    if "export" in stages:
        bench_export(size, n, timed, plain, native, formats)
    if "reason" in stages or "validate" in stages:
        bench_reason_validate(size, n, kgs, reason_max, validate_max, stages)
    if "reason" in stages:
        bench_reason_process(size, n, data, onto, folder)
    if "cold" in stages:
        bench_cold(size, n, data, onto, stores)
    if "inspect" in stages:
        bench_inspect(size, n, load, ox_load, stores, data, onto, folder)
    if "commands" in stages:
        bench_commands(size, n, load, ox_load, ox_disk_load)
        bench_export_process(size, n, data, onto, folder)


def bench_commands(
    size: int,
    n: int,
    load: Callable[[str], KnowledgeGraph],
    ox_load: Callable[[], Any],
    ox_disk_load: Callable[[], Any],
) -> None:
    """stats, check, validate's loading, export per format and reason on the Oxigraph store,
    each beside a plain pyoxigraph script doing the same work in the same run.

    The kgtool figures are the library calls the commands make, on a store already loaded (the
    load row is the load stage's); the pyoxigraph scripts query a store ``bulk_load`` filled,
    in memory, and for stats also on disk (RocksDB, the kind kgtool keeps).
    """
    from kgtool.export import render_export
    from kgtool.inspect.describe import stats
    from kgtool.io.serialize import sorted_lines
    from kgtool.query.check import check, list_checks
    from kgtool.reason.engine import _CACHE, reason

    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    native = ox_load()
    kg = load("oxigraph")  # stats, check, query and export on the asserted store
    union = {"use_default_graph_as_union": True, "prefixes": prefixes}

    from kgtool.query.catalog import find_query

    founders = find_query("founders")
    row(
        size,
        "query founders (oxigraph)",
        median(lambda: run_query(kg, founders), n),
        None,
        median(lambda: list(native.query(founders.text, **union)), n),
    )

    def ox_stats(store: Any) -> None:
        for text in (
            "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
            "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        ):
            list(store.query(text, **union))
        list(store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"))

    t_stats = median(lambda: ox_stats(native), n)
    row(size, "stats (oxigraph)", median(lambda: stats(kg), n), None, t_stats)
    on_disk = ox_disk_load()
    t_disk = median(lambda: ox_stats(on_disk), n)
    row(size, "stats, the script on pyoxigraph on disk (RocksDB)", t_disk, None, t_stats)

    texts = [q.text for q in list_checks(None)]
    row(
        size,
        "check, every bundled check (oxigraph)",
        median(lambda: check(kg), n),
        None,
        median(lambda: [list(native.query(t, **union)) for t in texts], n),
    )

    # validate's loading: what pySHACL is handed, the asserted view as an rdflib dataset.
    def kg_validate_load() -> None:
        load("oxigraph").store.dataset(reasoned=False)

    row(
        size,
        "validate, loading up to pySHACL (oxigraph; native: bulk_load)",
        median(kg_validate_load, n),
        None,
        median(ox_load, n),
    )

    dumps = {
        "nt": ox.RdfFormat.N_TRIPLES,
        "nquads": ox.RdfFormat.N_QUADS,
        "turtle": ox.RdfFormat.TURTLE,
        "trig": ox.RdfFormat.TRIG,
        "jsonld": ox.RdfFormat.JSON_LD,
    }
    for fmt, ox_format in dumps.items():

        def ox_dump(f: Any = ox_format) -> None:
            if f.supports_datasets:
                out = (
                    native.dump(format=f, prefixes=prefixes)
                    if f != ox.RdfFormat.JSON_LD
                    else native.dump(format=f)
                )
            else:
                triples = (ox.Triple(q.subject, q.predicate, q.object) for q in native)
                out = (
                    ox.serialize(triples, format=f, prefixes=prefixes)
                    if f == ox.RdfFormat.TURTLE
                    else ox.serialize(triples, format=f)
                )
            if f in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
                sorted_lines(out.decode())  # kgtool's lines are sorted: so are these

        row(
            size,
            f"export {fmt} (oxigraph; native: pyoxigraph's writer"
            + (", expanded)" if fmt == "jsonld" else ")"),
            median(lambda f=fmt: render_export(kg, f), n),
            None,
            median(ox_dump, n),
        )

    def kg_reason() -> None:
        _CACHE.clear()
        reason(load("oxigraph"))

    def ox_reason_floor() -> None:
        s = ox_load()
        s.bulk_load(closure, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:inferred"))

    reason(kg)
    inferred = kg.store.inferred()
    assert inferred is not None
    closure = inferred.serialize(format="nt", encoding="utf-8")
    row(
        size,
        "reason on the Oxigraph store, load included, no cache (native: bulk_load of "
        "the inputs and the closure, no reasoning)",
        median(kg_reason, max(1, n // 2)),
        None,
        median(ox_reason_floor, max(1, n // 2)),
    )


#: The entity ``describe`` is timed on, and the inferred triple ``why`` explains (the inverse of
#: an asserted ``kg:founder``).
DESCRIBED = "id:Org-0"
EXPLAINED = ("id:Person-0-0", "kg:founderOf", "id:Org-0")


def _ox_lookups(native: Any) -> tuple[Callable[[], None], Callable[[], None]]:
    """The lookups describe and why need, done by hand on a pyoxigraph store."""
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    kg_ns, id_ns = PREFIXES["kg"], PREFIXES["id"]
    entity = ox.NamedNode(id_ns + "Org-0")
    person = ox.NamedNode(id_ns + "Person-0-0")
    founder, founder_of = ox.NamedNode(kg_ns + "founder"), ox.NamedNode(kg_ns + "founderOf")
    inverse = ox.NamedNode("http://www.w3.org/2002/07/owl#inverseOf")

    def ox_describe() -> None:
        found = list(native.quads_for_pattern(entity, None, None, None))
        found += native.quads_for_pattern(None, None, entity, None)
        names = " ".join(sorted({str(q.graph_name) for q in found if q.graph_name}))
        list(
            native.query(
                f"SELECT ?g ?p ?o WHERE {{ GRAPH kgg:sources {{ VALUES ?g {{ {names} }} "
                "?g a kg:SourceSentence ; ?p ?o } }",
                prefixes={**prefixes, "kgg": PREFIXES["kg"].replace("ontology/", "graph/")},
            )
        )

    def ox_why() -> None:
        assert not list(native.quads_for_pattern(person, founder_of, entity, None))
        for q in native.quads_for_pattern(None, inverse, founder_of, None):
            list(native.quads_for_pattern(entity, q.subject, person, None))
        list(native.quads_for_pattern(entity, founder, person, None))

    return ox_describe, ox_why


def bench_inspect(
    size: int,
    n: int,
    load: Callable[[str], KnowledgeGraph],
    ox_load: Callable[[], Any],
    stores: tuple[str, ...],
    data: Path,
    onto: Path,
    folder: Path,
) -> None:
    """describe and why on each store: the library calls on a loaded store (why after the
    closure is computed), then whole ``kgtool describe`` / ``kgtool why`` processes on stored
    inputs and a cached closure, beside pyoxigraph doing the same lookups (in memory, and as a
    whole script that loads the files first)."""
    from kgtool.inspect.describe import describe
    from kgtool.inspect.explain import why
    from kgtool.reason.engine import reason

    ox_describe, ox_why = _ox_lookups(ox_load())
    t_describe, t_why = median(ox_describe, n), median(ox_why, n)
    for store in stores:
        kg = load(store)
        row(
            size,
            f"describe {DESCRIBED} ({store})",
            median(lambda kg=kg: describe(kg, DESCRIBED), n),
            None,
            t_describe,
        )
        reason(kg)
        row(
            size,
            f"why {' '.join(EXPLAINED)} ({store})",
            median(lambda kg=kg: why(kg, *EXPLAINED), n),
            None,
            t_why,
        )

    py = sys.executable
    script = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "import pyoxigraph as ox; from run import _ox_lookups; s = ox.Store(); "
        f"s.bulk_load(path={str(onto)!r}, format=ox.RdfFormat.TURTLE); "
        f"s.bulk_load(path={str(data)!r}, format=ox.RdfFormat.TRIG); "
        "d, w = _ox_lookups(s); {}()"
    )
    t_describe, _ = cold([py, "-c", script.format("d")], n)
    t_why, _ = cold([py, "-c", script.format("w")], n)
    for store in stores:
        common = ["--data", str(data), "--ontology", str(onto), "--store", store]
        common += ["--cache-dir", str(folder / f"inspect-{size}-{store}")]
        for command, args, t_nat in (
            ("describe", [DESCRIBED], t_describe),
            ("why", list(EXPLAINED), t_why),
        ):
            argv = [py, "-m", "kgtool", command, *args, *common]
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=ENV)  # fill the cache
            t, m = cold(argv, n)
            row(
                size,
                f"`kgtool {command}` ({store}), stored inputs and closure (peak {m:.0f} MB; "
                "native: a pyoxigraph script loading and looking up)",
                t,
                None,
                t_nat,
            )


def bench_export_process(size: int, n: int, data: Path, onto: Path, folder: Path) -> None:
    """`kgtool export --format F` as a whole process on stored inputs, per format, beside a
    pyoxigraph script that loads the same files into its in-memory store and writes them.

    The script writes what pyoxigraph's writers give: N-Triples and N-Quads lines sorted as
    kgtool sorts them, Turtle and TriG unsorted, JSON-LD expanded (it cannot compact).
    """
    py = sys.executable
    cache = folder / f"export-{size}"
    formats = {"nt": "N_TRIPLES", "nquads": "N_QUADS", "turtle": "TURTLE", "trig": "TRIG"}
    formats["jsonld"] = "JSON_LD"
    for fmt, ox_name in formats.items():
        argv = [py, "-m", "kgtool", "export", "--data", str(data), "--ontology", str(onto)]
        argv += ["--format", fmt, "--cache-dir", str(cache), "-o", os.devnull]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=ENV)  # fill the cache
        quads = ox_name not in ("N_TRIPLES", "TURTLE")
        script = (
            "import sys, pyoxigraph as ox; s = ox.Store(); "
            f"s.bulk_load(path={str(onto)!r}, format=ox.RdfFormat.TURTLE); "
            f"s.bulk_load(path={str(data)!r}, format=ox.RdfFormat.TRIG); "
            f"f = ox.RdfFormat.{ox_name}; "
            + (
                "out = s.dump(format=f); "
                if quads
                else "out = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) "
                "for q in s), format=f); "
            )
            + (
                "out = b'\\n'.join(sorted(set(out.split(b'\\n')))); "
                if fmt in ("nt", "nquads")
                else ""
            )
            + "sys.stdout.buffer.write(out)"
        )
        t_nat, _ = cold([py, "-c", script], n)
        t, m = cold(argv, n)
        row(
            size,
            f"`kgtool export --format {fmt}`, stored inputs (peak {m:.0f} MB; native: a "
            "pyoxigraph script loading and writing" + (", expanded)" if fmt == "jsonld" else ")"),
            t,
            None,
            t_nat,
        )


def bench_load_memory(
    size: int, n: int, data: Path, onto: Path, shapes: Path, rdflib: bool = True
) -> None:
    """Peak memory of a whole process loading the files: kgtool (Oxigraph), pyoxigraph, rdflib."""
    py = sys.executable
    kgtool_script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from kgtool.graph import KnowledgeGraph; "
        f"KnowledgeGraph.load(data=[{str(data)!r}], ontology=[{str(onto)!r}], "
        f"shapes=[{str(shapes)!r}], store='oxigraph')"
    )
    ox_script = (
        "import pyoxigraph as ox; s = ox.Store(); "
        f"s.bulk_load(path={str(onto)!r}); s.bulk_load(path={str(data)!r})"
    )
    rdflib_script = (
        "from rdflib import Dataset; ds = Dataset(default_union=True); "
        f"ds.parse({str(onto)!r}); ds.parse({str(data)!r}, format='trig')"
    )
    runs = 1 if size >= 100_000 else min(n, 3)  # peaks vary little; rdflib takes minutes at 1 M
    _, m_kg = cold([py, "-c", kgtool_script], runs)
    _, m_ox = cold([py, "-c", ox_script], runs)
    m_rdf = cold([py, "-c", rdflib_script], runs)[1] if rdflib else None
    row(
        size,
        "load, peak RSS of a whole process in MB, not s (oxigraph; rdflib parse; pyoxigraph "
        "bulk_load)",
        m_kg,
        m_rdf,
        m_ox,
    )


def bench_queries(
    size: int,
    n: int,
    kgs: dict[str, KnowledgeGraph],
    plain: Dataset | None,
    native: Any,
    on_disk: Any,
) -> None:
    """Every bundled query that runs offline without a parameter value, on each store, and
    natively on an on-disk pyoxigraph store (its native ratio: to the in-memory one)."""
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    for q in list_queries():
        if any(p.default is None for p in q.header.parameters) or uses_service(q):
            continue  # needs a value, or the network (federated SERVICE queries)
        bindings = bind_parameters(q.header, {}, label_lookup(next(iter(kgs.values())).store))
        t_base = None
        if plain is not None:
            t_base = median(
                lambda q=q, b=bindings: list(plain.query(q.text, initNs=PREFIXES, initBindings=b)),
                n,
            )
        text = inline_bindings(q.text, bindings)
        t_nat = median(
            lambda t=text: list(
                native.query(t, prefixes=prefixes, use_default_graph_as_union=True)
            ),
            n,
        )
        for store, kg in kgs.items():
            row(
                size,
                f"query {q.name} ({store})",
                median(lambda k=kg, q=q: run_query(k, q), n),
                t_base,
                t_nat,
            )
        t_disk = median(
            lambda t=text: list(
                on_disk.query(t, prefixes=prefixes, use_default_graph_as_union=True)
            ),
            n,
        )
        row(size, f"query {q.name} (pyoxigraph on disk, RocksDB)", t_disk, t_base, t_nat)


def bench_export(
    size: int,
    n: int,
    kgs: dict[str, KnowledgeGraph],
    plain: Dataset | None,
    native: Any,
    formats: tuple[str, ...] = EXPORT_FORMATS,
) -> None:
    """Turtle, TriG and JSON-LD export of the whole dataset, on each store.

    Baseline: rdflib's own serializer on the parsed dataset (not sorted, not canonical). Upper
    bound: pyoxigraph's native writer (unsorted; its JSON-LD is expanded, not compacted).
    """
    from kgtool.export import render_export

    def ox_turtle() -> bytes | None:
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in native)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)

    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    natives: dict[str, Callable[[], Any]] = {
        "turtle": ox_turtle,
        "trig": lambda: native.dump(format=ox.RdfFormat.TRIG, prefixes=prefixes),
        "jsonld": lambda: native.dump(format=ox.RdfFormat.JSON_LD),
    }
    rdflib_names = {"turtle": "turtle", "trig": "trig", "jsonld": "json-ld"}
    for fmt, write_native in natives.items():
        if fmt not in formats:
            continue
        t_base = None
        if plain is not None:
            t_base = median(lambda f=rdflib_names[fmt]: plain.serialize(format=f), n)
        t_nat = median(write_native, n)
        for store, kg in kgs.items():
            row(
                size,
                f"export {fmt} ({store})",
                median(lambda k=kg, f=fmt: render_export(k, f), n),
                t_base,
                t_nat,
            )


def bench_reason_validate(
    size: int,
    n: int,
    kgs: dict[str, KnowledgeGraph],
    reason_max: int,
    validate_max: int,
    stages: tuple[str, ...],
) -> None:
    """The fast reasoner against owlrl, fast validation against plain pySHACL."""
    from kgtool.reason.engine import _CACHE, compute_closure
    from kgtool.validate.engine import validate

    slow_runs = max(1, n // 2)
    if "reason" in stages and "memory" in kgs:
        union = kgs["memory"].store.union()
        t_fast = median(lambda: compute_closure(union, "owlrl", "fast"), slow_runs)
        t_owlrl = (
            median(lambda: compute_closure(union, "owlrl", "owlrl"), slow_runs)
            if size <= reason_max
            else None
        )
        row(size, "reason (fast engine; baseline: owlrl)", t_fast, t_owlrl, None)
    if "reason" in stages:
        from kgtool.reason.engine import reason

        def ox_reason() -> None:
            _CACHE.clear()  # kgs have no cache folder: this computes the closure every run
            reason(kgs["oxigraph"])

        row(
            size,
            "reason() on the Oxigraph store, no cache",
            median(ox_reason, slow_runs),
            None,
            None,
        )
    if "validate" in stages:
        _CACHE.clear()
        reports: dict[str, Any] = {}

        def run_validation(engine: str) -> None:
            reports[engine] = validate(kgs["memory"], engine=engine)

        t_fast = median(lambda: run_validation("fast"), slow_runs)
        t_plain = (
            median(lambda: run_validation("pyshacl"), slow_runs) if size <= validate_max else None
        )
        same = ""
        if t_plain is not None:
            fast, plain = reports["fast"], reports["pyshacl"]
            # The rendered results (shape, focus node, path, value, component, message) and the
            # verdict: "same report" as the issue asks, checked on every run of this row.
            equal = fast.conforms == plain.conforms and fast.results == plain.results
            same = f"; {len(plain.results)} results, {'same' if equal else 'DIFFERENT'} report"
        row(size, f"validate (fast engine; baseline: plain pyshacl{same})", t_fast, t_plain, None)


def bench_reason_process(size: int, n: int, data: Path, onto: Path, folder: Path) -> None:
    """`kgtool reason --store oxigraph` as a whole process: load, reason, write.

    Cold: an empty cache folder per run, so each run computes and stores the closure. Warm: the
    closure is cached, so each run is a new process's load plus reading the cache. The native
    column is a pyoxigraph script that only loads the same files (the floor for a warm run).
    """
    py = sys.executable
    reason = [py, "-m", "kgtool", "reason", "--store", "oxigraph", "--data", str(data)]
    reason += ["--ontology", str(onto), "-o", os.devnull]
    ox_script = (
        f"import pyoxigraph as ox; s = ox.Store(); s.load(path={str(onto)!r}); "
        f"s.load(path={str(data)!r}); print(len(s))"
    )
    t_nat, m_nat = cold([py, "-c", ox_script], n)
    runs = [cold([*reason, "--cache-dir", str(folder / f"reason-{size}-{i}")], 1) for i in range(n)]
    t = statistics.median(x[0] for x in runs)
    m = max(x[1] for x in runs)
    row(size, f"`kgtool reason --store oxigraph`, cold cache (peak {m:.0f} MB)", t, None, t_nat)
    t, m = cold([*reason, "--cache-dir", str(folder / f"reason-{size}-0")], n)
    row(
        size,
        f"`kgtool reason --store oxigraph`, closure cached (peak {m:.0f} MB vs {m_nat:.0f} MB)",
        t,
        None,
        t_nat,
    )


def bench_cold(size: int, n: int, data: Path, onto: Path, stores: tuple[str, ...]) -> None:
    """Cold `kgtool query founders` as a whole process on each store, against both scripts."""
    py = sys.executable
    founders = ["query", "founders", "--data", str(data), "--no-cache"]
    base_script = (
        "from rdflib import Dataset; import sys; ds = Dataset(default_union=True); "
        f"ds.parse({str(onto)!r}); ds.parse({str(data)!r}, format='trig'); "
        "print(list(ds.query('PREFIX kg: <https://w3id.org/eleutherai-kg/ontology/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?f ?n WHERE "
        "{ ?o kg:founder ?f . ?f rdfs:label ?n } ORDER BY ?n')))"
    )
    ox_script = (
        "import pyoxigraph as ox; s = ox.Store(); "
        f"s.load(path={str(onto)!r}); s.load(path={str(data)!r}); "
        "print(list(s.query('PREFIX kg: <https://w3id.org/eleutherai-kg/ontology/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?f ?n WHERE "
        "{ ?o kg:founder ?f . ?f rdfs:label ?n } ORDER BY ?n', "
        "use_default_graph_as_union=True)))"
    )
    t_base, m_base = cold([py, "-c", base_script], n)
    t_nat, m_nat = cold([py, "-c", ox_script], n)
    for store in stores:
        t, m = cold([py, "-m", "kgtool", *founders, "--store", store], n)
        row(
            size,
            f"cold `kgtool query founders` ({store}; peak {m:.0f} MB vs "
            f"{m_base:.0f} / {m_nat:.0f} MB)",
            t,
            t_base,
            t_nat,
        )


def bench_shipped(runs: int, folder: Path) -> None:
    """Cold `kgtool query founders` on the shipped graph, against the two baseline scripts.

    Rows: a hit of the answer cache (the files unchanged since the previous run), a miss (a new
    cache folder per run, so each run parses, queries and stores the answer), and --no-cache.
    The baselines parse the same files (ontology and graph/*.trig) and run founders.rq.
    """
    py = sys.executable
    files = [str(ROOT / "ontology" / "eleutherai.ttl")]
    files += [str(p) for p in sorted((ROOT / "graph").rglob("*.trig"))]
    query = (ROOT / "queries" / "founders.rq").read_text(encoding="utf-8")
    base_script = (
        "from rdflib import Dataset; ds = Dataset(default_union=True)\n"
        f"for f in {files!r}: ds.parse(f)\n"
        f"print(list(ds.query({query!r})))"
    )
    ox_script = (
        "import pyoxigraph as ox; s = ox.Store()\n"
        f"for f in {files!r}: s.load(path=f)\n"
        f"print(list(s.query({query!r}, use_default_graph_as_union=True)))"
    )
    t_base, m_base = cold([py, "-c", base_script], runs)
    t_nat, m_nat = cold([py, "-c", ox_script], runs)
    # The console script, as users run it (`python -m kgtool` adds runpy's imports).
    script = Path(py).parent / "kgtool"
    kgtool = [
        str(script) if script.exists() else py,
        *([] if script.exists() else ["-m", "kgtool"]),
    ]
    kgtool += ["query", "founders"]
    hit_dir = folder / "shipped-hit"
    ENV["KGTOOL_CACHE_DIR"] = str(hit_dir)
    subprocess.run(kgtool, check=True, stdout=subprocess.DEVNULL, env=ENV)  # fill the cache
    t, m = cold(kgtool, runs)
    peaks = f"peak {{}} MB vs {m_base:.0f} / {m_nat:.0f} MB"
    row(
        0,
        f"cold `kgtool query founders`, answer cache hit ({peaks.format(f'{m:.0f}')})",
        t,
        t_base,
        t_nat,
    )
    misses = []
    for i in range(runs):
        ENV["KGTOOL_CACHE_DIR"] = str(folder / f"shipped-miss-{i}")
        misses.append(cold(kgtool, 1))
    t = statistics.median(x[0] for x in misses)
    m = max(x[1] for x in misses)
    row(
        0,
        f"cold `kgtool query founders`, cache miss ({peaks.format(f'{m:.0f}')})",
        t,
        t_base,
        t_nat,
    )
    # Unchanged inputs (their stored copy is in hit_dir), a query text never run before.
    ENV["KGTOOL_CACHE_DIR"] = str(hit_dir)
    fresh = []
    for i in range(runs):
        text = f"{query}\n# run {i} {time.time_ns()}\n"
        fresh.append(cold([*kgtool[:-1], text], 1))
    t = statistics.median(x[0] for x in fresh)
    m = max(x[1] for x in fresh)
    row(
        0,
        f"cold `kgtool query TEXT`, a new text on stored inputs ({peaks.format(f'{m:.0f}')})",
        t,
        t_base,
        t_nat,
    )
    t, m = cold([*kgtool, "--no-cache"], runs)
    row(
        0, f"cold `kgtool query founders --no-cache` ({peaks.format(f'{m:.0f}')})", t, t_base, t_nat
    )


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reason-max", type=int, default=10000, help="largest size for owlrl")
    parser.add_argument(
        "--validate-max", type=int, default=1000, help="largest size for plain pyshacl"
    )
    parser.add_argument(
        "--memory-max",
        type=int,
        default=100_000,
        help="largest size with kgtool memory-store rows",
    )
    parser.add_argument("--shipped", action="store_true", help="Cold rows on the shipped graph.")
    parser.add_argument(
        "--stages", nargs="+", choices=STAGES, default=list(STAGES), help="stages to time"
    )
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=EXPORT_FORMATS,
        default=list(EXPORT_FORMATS),
        help="export formats to time",
    )
    parser.add_argument(
        "--defects",
        type=int,
        default=0,
        help="plant this many shape violations (generate.py), so validate compares real reports",
    )
    parser.add_argument(
        "--no-rdflib",
        action="store_true",
        help="leave out the rdflib baselines of loading, queries and export (minutes at 1 M)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ENV["KGTOOL_CACHE_DIR"] = tmp
        if args.shipped:
            bench_shipped(args.runs, Path(tmp))
        for size in args.sizes:
            ENV["KGTOOL_CACHE_DIR"] = tmp
            bench_size(
                size,
                args.runs,
                args.reason_max,
                args.validate_max,
                Path(tmp),
                tuple(args.stages),
                args.memory_max,
                tuple(args.formats),
                args.defects,
                not args.no_rdflib,
            )
    print(
        "| triples | stage | kgtool (s) | rdflib stack (s, ratio) | pyoxigraph native (s, ratio) |"
    )
    print("|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
