"""The rdflib memory store (kgtool.store.memory): named graphs; the same order in every process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kgtool.graph import KnowledgeGraph
from kgtool.io.formats import RDF_FORMATS
from kgtool.query.run import run_query
from kgtool.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
E = "http://example.org/"


def test_default_graph_is_not_a_named_graph(tmp_path: Path) -> None:
    f = tmp_path / "d.trig"
    f.write_text(f"<{E}a> <{E}p> <{E}b> . <{E}g> {{ <{E}a> <{E}p> <{E}c> }}\n", "utf-8")
    store = KnowledgeGraph.load(data=[f], ontology=[], shapes=[], store="memory").store
    assert store.graph_names() == [URIRef(f"{E}g")]
    assert DATASET_DEFAULT_GRAPH_ID not in store.graphs_containing(
        (URIRef(f"{E}a"), URIRef(f"{E}p"), URIRef(f"{E}c"))
    )


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_no_ontology_no_ontology_graph(tmp_path: Path, store: str) -> None:
    f = tmp_path / "d.ttl"
    f.write_text(f"<{E}a> <{E}p> <{E}b> .\n", "utf-8")
    kg = KnowledgeGraph.load(data=[f], ontology=[], shapes=[], store=store)
    assert kg.store.graph_names() == []
    assert run_query(kg, "SELECT ?g { GRAPH ?g { } }").result.bindings == []


def test_iteration_follows_insertion_order(tmp_path: Path) -> None:
    names = ["m", "z", "a", "q", "b", "y", "c", "x"]
    f = tmp_path / "d.ttl"
    f.write_text("".join(f"<{E}{n}> <{E}p> <{E}o> .\n" for n in names), "utf-8")
    kg = KnowledgeGraph.load(data=[f], ontology=[], shapes=[], store="memory")
    assert [str(s)[len(E) :] for s, _, _ in kg.store.union()] == names
    answer = run_query(kg, f"SELECT (GROUP_CONCAT(STR(?s)) AS ?all) {{ ?s <{E}p> ?o }}")
    assert str(answer.result.bindings[0][Variable("all")]) == " ".join(E + n for n in names)


def test_an_empty_store_lists_no_graphs() -> None:
    store = MemoryStore()
    store.named_graph(URIRef(f"{E}g"))
    assert store.graph_names() == []


#: Runs the CLI in-process and prints a digest of each output, so one process covers them all.
_DIGESTS = """
import hashlib, sys
from click.testing import CliRunner
from kgtool.cli.main import cli
for args in [a.split() for a in sys.argv[1:]]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    print(" ".join(args), hashlib.sha256(result.stdout_bytes).hexdigest())
"""


def test_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    """``query --all`` and every export format give the same bytes in every process.

    Python seeds string hashing per process, and rdflib's memory store once iterated sets, so
    GROUP_CONCAT and unsorted rows changed from run to run (and from server worker to worker).
    """
    commands = ["query --all --no-cache --store memory"] + [
        f"export --no-cache --store memory --format {f.name}" for f in RDF_FORMATS
    ]
    outputs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "KGTOOL_CACHE_DIR": str(tmp_path / seed)}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        done = subprocess.run(
            [sys.executable, "-c", _DIGESTS, *commands],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=600,
        )
        outputs.append(done.stdout)
    assert len(outputs[0].splitlines()) == len(commands)
    assert outputs[0] == outputs[1] == outputs[2]


def test_lookups_answer_as_the_oxigraph_store_does(tmp_path: Path) -> None:
    """triples, graphs_containing and labelled read rdflib's indexes across every graph at
    once, and answer as the Oxigraph store: each triple once, the default graph unnamed."""
    f = tmp_path / "d.trig"
    f.write_text(
        f'<{E}a> <{E}p> <{E}b> . <{E}a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\n'
        f"<{E}g> {{ <{E}a> <{E}p> <{E}b> . <{E}b> <{E}p> <{E}c> }}\n"
        f'<{E}h> {{ <{E}c> <http://www.w3.org/2004/02/skos/core#altLabel> "A" }}\n',
        "utf-8",
    )
    memory, oxigraph = (
        KnowledgeGraph.load(data=[f], ontology=[], shapes=[], store=s).store
        for s in ("memory", "oxigraph")
    )
    a, p, b = URIRef(f"{E}a"), URIRef(f"{E}p"), URIRef(f"{E}b")
    for pattern in [(None, None, None), (a, None, None), (None, p, None), (None, None, b)]:
        found = list(memory.triples(pattern))
        assert len(found) == len(set(found))
        assert sorted(found) == sorted(oxigraph.triples(pattern))
    assert memory.graphs_containing((a, p, b)) == [URIRef(f"{E}g")]
    assert memory.graphs_containing((a, p, b)) == oxigraph.graphs_containing((a, p, b))
    assert set(memory.labelled("A")) == set(oxigraph.labelled("A"))
    assert len(memory.labelled("A")) == 2
