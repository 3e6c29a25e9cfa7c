"""Copy the W3C test files the conformance suite runs from local git mirrors into ``w3c/``.

Not run by the tests: it documents (and repeats) how ``tests/conformance/w3c/`` was made.
Only the manifests and the files they reference (queries, data, expected results, shapes)
are copied, so the vendored tree stays small.

Usage::

    python -m tests.conformance.vendor RDF_TESTS_GIT_DIR DATA_SHAPES_GIT_DIR

Each argument is a git directory (a bare mirror is fine); files are read with ``git show``
at ``HEAD``, and the commit is written to ``w3c/SOURCES.txt``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import Namespace

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

HERE = Path(__file__).resolve().parent / "w3c"
#: (repository label, folder in that repository, folder under w3c/).
SPARQL_DIRS = [
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
SUITES: list[tuple[str, str, str]] = [
    *(("rdf-tests", f"sparql/sparql11/{d}", f"sparql11/{d}") for d in SPARQL_DIRS),
    ("rdf-tests", "rdf/rdf11/rdf-turtle", "rdf11/rdf-turtle"),
    ("rdf-tests", "rdf/rdf11/rdf-trig", "rdf11/rdf-trig"),
    ("rdf-tests", "rdf/rdf11/rdf-n-triples", "rdf11/rdf-n-triples"),
    ("data-shapes", "data-shapes-test-suite/tests/core", "shacl/core"),
    ("data-shapes", "data-shapes-test-suite/tests/sparql", "shacl/sparql"),
]
_FAKE = "file:///vendor/"


def _show(git_dir: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], check=True, capture_output=True
    ).stdout


def _references(graph: Graph) -> set[URIRef]:
    """Every file IRI a manifest names: includes, actions, results, data and shapes graphs."""
    found: set[URIRef] = set()
    for pred in (
        MF.include,
        MF.action,
        MF.result,
        QT.query,
        QT.data,
        QT.graphData,
        SHT.dataGraph,
        SHT.shapesGraph,
    ):
        for obj in graph.objects(None, pred):
            if isinstance(obj, URIRef):
                found.add(obj)
    for action in graph.objects(None, MF.action):
        for pred in (QT.query, QT.data, QT.graphData, SHT.dataGraph, SHT.shapesGraph):
            found.update(o for o in graph.objects(action, pred) if isinstance(o, URIRef))
    return {URIRef(str(f).split("#")[0]) for f in found if str(f).startswith(_FAKE)}


def vendor(repos: dict[str, str]) -> None:
    commits = {
        name: subprocess.run(
            ["git", "--git-dir", git, "rev-parse", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        for name, git in repos.items()
    }
    for repo, source, target in SUITES:
        git = repos[repo]
        todo = [f"{source}/manifest.ttl"]
        done: set[str] = set()
        while todo:
            path = todo.pop()
            if path in done:
                continue
            done.add(path)
            data = _show(git, path)
            out = HERE / target / path[len(source) + 1 :]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            if path.endswith(".ttl") and (path.endswith("manifest.ttl") or repo == "data-shapes"):
                graph = Graph().parse(data=data, format="turtle", publicID=_FAKE + path)
                for ref in _references(graph):
                    todo.append(str(ref)[len(_FAKE) :])
    lines = [f"{name} https://github.com/w3c/{name} {commit}" for name, commit in commits.items()]
    (HERE / "SOURCES.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    vendor({"rdf-tests": sys.argv[1], "data-shapes": sys.argv[2]})
