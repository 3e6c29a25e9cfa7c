"""Read the vendored W3C test manifests into :class:`Case` objects.

The manifest vocabulary is the one the RDF, SPARQL and SHACL test suites share
(https://w3c.github.io/rdf-tests/ and https://w3c.github.io/data-shapes/data-shapes-test-suite/):
``mf:entries`` lists the tests of a manifest, ``mf:include`` pulls in other manifests,
``mf:action`` names the inputs and ``mf:result`` the expected answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import Namespace
from rdflib.term import Node

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
RDFT = Namespace("http://www.w3.org/ns/rdftest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

W3C = Path(__file__).resolve().parent / "w3c"

#: Suite name -> (folder under w3c/, family).
SUITES: dict[str, tuple[str, str]] = {
    **{
        f"sparql11/{d}": (f"sparql11/{d}", "sparql")
        for d in [
            "aggregates",
            "bind",
            "bindings",
            "construct",
            "exists",
            "functions",
            "grouping",
            "negation",
            "project-expression",
            "property-path",
            "subquery",
        ]
    },
    "rdf11/turtle": ("rdf11/rdf-turtle", "rdf"),
    "rdf11/trig": ("rdf11/rdf-trig", "rdf"),
    "rdf11/n-triples": ("rdf11/rdf-n-triples", "rdf"),
    "shacl/core": ("shacl/core", "shacl"),
    "shacl/sparql": ("shacl/sparql", "shacl"),
}

#: Test types and what they ask of an engine.
_KINDS: dict[URIRef, str] = {
    MF.QueryEvaluationTest: "eval",
    MF.PositiveSyntaxTest11: "positive-syntax",
    MF.NegativeSyntaxTest11: "negative-syntax",
    RDFT.TestTurtleEval: "eval",
    RDFT.TestTrigEval: "eval",
    RDFT.TestTurtlePositiveSyntax: "positive-syntax",
    RDFT.TestTrigPositiveSyntax: "positive-syntax",
    RDFT.TestNTriplesPositiveSyntax: "positive-syntax",
    RDFT.TestTurtleNegativeSyntax: "negative-syntax",
    RDFT.TestTrigNegativeSyntax: "negative-syntax",
    RDFT.TestNTriplesNegativeSyntax: "negative-syntax",
    RDFT.TestTurtleNegativeEval: "negative-syntax",
    RDFT.TestTrigNegativeEval: "negative-syntax",
    SHT.Validate: "validate",
}
_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}


@dataclass(frozen=True)
class Case:
    """One W3C test: what to run and what should come out.

    Attributes:
        suite: The suite name (a key of :data:`SUITES`).
        iri: The test's IRI as written in the vendored manifest (its ``file:`` URI).
        name: A short id: the suite and the test's local name.
        kind: ``eval``, ``positive-syntax``, ``negative-syntax`` or ``validate``.
        query: SPARQL: the query file.
        data: SPARQL: default-graph files; RDF: the input file; SHACL: the data graph.
        graph_data: SPARQL: named-graph files (the graph name is the file's URI).
        shapes: SHACL: the shapes graph file.
        result: The expected-result file (SPARQL, RDF eval), or None.
        manifest: The manifest file (SHACL: the expected report is in it).
        base: RDF: the base IRI the suite assumes for the input (``mf:assumedTestBase``).
    """

    suite: str
    iri: str
    name: str
    kind: str
    query: Path | None = None
    data: tuple[Path, ...] = ()
    graph_data: tuple[Path, ...] = ()
    shapes: Path | None = None
    result: Path | None = None
    manifest: Path | None = None
    base: str | None = None
    approved: bool = True
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def family(self) -> str:
        """``sparql``, ``rdf`` or ``shacl``."""
        return SUITES[self.suite][1]

    @property
    def rdf_format(self) -> str:
        """The parser name of the input file (RDF tests)."""
        return _FORMATS[self.data[0].suffix]


#: Where the vendored folders are published (test IRIs are given under these).
_PUBLISHED = {
    "sparql11/": "https://w3c.github.io/rdf-tests/sparql/sparql11/",
    "rdf11/": "https://w3c.github.io/rdf-tests/rdf/rdf11/",
    "shacl/": "https://w3c.github.io/data-shapes/data-shapes-test-suite/tests/",
}


def published_iri(test: str) -> str:
    """The test's IRI where the suite is published (a ``file:`` IRI of the vendored copy is
    rewritten; an absolute IRI the manifest gives, as SPARQL's do, is kept).

    >>> published_iri((W3C / "rdf11/rdf-turtle/manifest.ttl").as_uri() + "#x")
    'https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/manifest#x'
    """
    local = W3C.as_uri() + "/"
    if not test.startswith(local):
        return test
    rel = test[len(local) :].replace("manifest.ttl#", "manifest#")
    for prefix, url in _PUBLISHED.items():
        if rel.startswith(prefix):
            return url + rel[len(prefix) :]
    return test


def _path(node: Node) -> Path:
    return Path(URIRef(node).replace("file://", "", 1))


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def _entries(manifest: Path, seen: set[Path]) -> list[tuple[Graph, Path, URIRef]]:
    """Return (manifest graph, manifest file, test IRI) for every entry, includes followed."""
    if manifest in seen:
        return []
    seen.add(manifest)
    graph = _parse(manifest)
    found: list[tuple[Graph, Path, URIRef]] = []
    this = URIRef(manifest.as_uri())
    for lst in graph.objects(this, MF.entries):
        found += [(graph, manifest, URIRef(e)) for e in Collection(graph, lst)]
    for inc in graph.objects(this, MF.include):
        found += _entries(_path(inc), seen)
    return found


@cache
def cases(suite: str) -> tuple[Case, ...]:
    """Return every test of a suite, in manifest order.

    >>> [c.kind for c in cases("sparql11/bind")][:2]
    ['eval', 'eval']
    """
    folder, family = SUITES[suite]
    root = W3C / folder
    out: list[Case] = []
    for graph, manifest, test in _entries(root / "manifest.ttl", set()):
        kind = next((_KINDS[t] for t in graph.objects(test, RDF.type) if t in _KINDS), None)
        if kind is None:
            continue
        local = test.split("#")[-1] if "#" in test else test.rsplit("/", 1)[-1]
        if family == "shacl":
            rel = manifest.relative_to(root).with_suffix("")
            local = str(rel)
        name = f"{suite}/{local}"
        iri = published_iri(str(test))
        action = graph.value(test, MF.action)
        result = graph.value(test, MF.result)
        approval = graph.value(test, DAWGT.approval) or graph.value(test, RDFT.approval)
        status = graph.value(test, MF.status)
        approved = approval in (None, DAWGT.Approved, RDFT.Approved) and status in (
            None,
            SHT.approved,
        )
        if family == "sparql":
            out.append(
                Case(
                    suite,
                    iri,
                    name,
                    kind,
                    query=_path(graph.value(action, QT.query) if kind == "eval" else action),
                    data=tuple(sorted(_path(d) for d in graph.objects(action, QT.data))),
                    graph_data=tuple(sorted(_path(d) for d in graph.objects(action, QT.graphData))),
                    result=_path(result) if result is not None else None,
                    manifest=manifest,
                    approved=approved,
                )
            )
        elif family == "rdf":
            base = graph.value(URIRef(manifest.as_uri()), MF.assumedTestBase)
            inp = _path(action)
            out.append(
                Case(
                    suite,
                    iri,
                    name,
                    kind,
                    data=(inp,),
                    result=_path(result) if result is not None else None,
                    manifest=manifest,
                    base=str(base) + inp.name if base is not None else None,
                    approved=approved,
                )
            )
        else:
            data = _path(graph.value(action, SHT.dataGraph))
            shapes = _path(graph.value(action, SHT.shapesGraph))
            out.append(
                Case(
                    suite,
                    iri,
                    name,
                    kind,
                    data=(data,),
                    shapes=shapes,
                    manifest=manifest,
                    approved=approved,
                    extra={"failure": "yes" if result == SHT.Failure else ""},
                )
            )
    return tuple(out)
