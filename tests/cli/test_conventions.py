"""The conventions of the ecosystem: formats from -o, every name riot and Oxigraph accept,
machine output a program can parse, --quiet and --verbose, and no traceback for bad input."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from tests.conftest import QUERIES, Invoke

ILL_TYPED = (
    "@prefix ex: <http://example.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    'ex:a ex:age "abc"^^xsd:integer ; ex:born "June"^^xsd:date ; ex:n "x"^^xsd:integer .\n'
)


@pytest.fixture
def rdflib_logs_as_shipped() -> Iterator[None]:
    """rdflib's term logger at its own level: the conformance tests mute it for their run."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.NOTSET)
    try:
        yield
    finally:
        logger.setLevel(level)


def _users_file(tmp_path: Path, text: str = ILL_TYPED) -> str:
    data = tmp_path / "mine.ttl"
    data.write_text(text, "utf-8")
    return str(data)


def _union(path: Path, fmt: str) -> Graph:
    ds = Dataset()
    ds.parse(path, format=fmt)
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


@pytest.mark.parametrize(
    ("name", "rdflib_format"),
    [
        ("x.jsonld", "json-ld"),
        ("x.nt", "nt"),
        ("x.nq", "nquads"),
        ("x.trig", "trig"),
        ("x.rdf", "xml"),
        ("x.owl", "xml"),
        ("x.ttl", "turtle"),
    ],
)
def test_export_takes_the_format_from_the_output_extension(
    invoke: Invoke, tmp_path: Path, name: str, rdflib_format: str
) -> None:
    out = tmp_path / name
    assert invoke(["export", "-o", str(out)]).exit_code == 0
    turtle = tmp_path / "reference.ttl"
    assert invoke(["export", "--format", "turtle", "-o", str(turtle)]).exit_code == 0
    assert isomorphic(_union(out, rdflib_format), _union(turtle, "turtle"))


@pytest.mark.parametrize(
    "spelling", ["ttl", "turtle", "text/turtle", "TTL", "nt", "ntriples", "nq", "nquads", "trig"]
)
def test_export_format_takes_riot_names_and_media_types(invoke: Invoke, spelling: str) -> None:
    result = invoke(["export", "--format", spelling])
    assert result.exit_code == 0, result.output
    assert result.stdout


@pytest.mark.parametrize("spelling", ["rdfxml", "rdf", "owl", "xml", "application/rdf+xml"])
def test_every_rdfxml_spelling_writes_rdfxml(invoke: Invoke, spelling: str) -> None:
    result = invoke(["export", "--format", spelling])
    assert result.exit_code == 0
    assert result.stdout.startswith("<?xml")


def test_format_beats_the_extension(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonld"
    assert invoke(["export", "--format", "nt", "-o", str(out)]).exit_code == 0
    assert out.read_text("utf-8").startswith("<")


def test_an_unknown_extension_or_format_is_a_usage_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["export", "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2
    assert "cannot tell the RDF format of" in result.stderr
    assert not (tmp_path / "x.txt").exists()
    result = invoke(["export", "--format", "csv"])
    assert result.exit_code == 2
    assert "'csv' is not an RDF format" in result.stderr


def test_reason_takes_the_format_from_the_output_extension(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "inferred.nt"
    result = invoke(["reason", "-o", str(out)])
    assert result.exit_code == 0
    Graph().parse(out, format="nt")  # N-Triples, not Turtle with prefixes
    assert not out.read_text("utf-8").startswith("@prefix")


@pytest.mark.parametrize(
    ("name", "first"),
    [("f.srj", "{"), ("f.json", "{"), ("f.srx", "<?xml"), ("f.csv", "founder,name")],
)
def test_query_takes_the_format_from_the_output_extension(
    invoke: Invoke, tmp_path: Path, name: str, first: str
) -> None:
    out = tmp_path / name
    result = invoke(["query", "founders", "--queries", str(QUERIES), "--no-cache", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith(first)


@pytest.mark.parametrize("spelling", ["srj", "application/sparql-results+json", "json"])
def test_query_format_takes_result_names_and_media_types(invoke: Invoke, spelling: str) -> None:
    result = invoke(["query", "founders", "--queries", str(QUERIES), "--format", spelling])
    assert result.exit_code == 0
    assert "results" in json.loads(result.stdout)


def test_query_srx_is_sparql_xml(invoke: Invoke) -> None:
    result = invoke(["query", "founders", "--queries", str(QUERIES), "--format", "srx"])
    assert result.exit_code == 0
    assert "http://www.w3.org/2005/sparql-results#" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
def test_query_all_in_a_machine_format_is_one_json_document(invoke: Invoke, fmt: str) -> None:
    result = invoke(["query", "--all", "--queries", str(QUERIES), "--format", fmt])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert list(document) == ["agents", "founders", "models-since"]
    assert document["founders"]["title"]
    if fmt == "json":
        assert "bindings" in document["founders"]["result"]["results"]
    else:
        assert isinstance(document["founders"]["result"], str)


def test_query_all_output_dir_writes_one_file_per_query(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "answers"
    args = ["query", "--all", "--queries", str(QUERIES), "--format", "json"]
    result = invoke([*args, "--output-dir", str(out)])
    assert result.exit_code == 0
    written = sorted(p.name for p in out.iterdir())
    assert "founders.srj" in written
    assert all(p.endswith(".srj") for p in written)
    assert "bindings" in json.loads((out / "founders.srj").read_text("utf-8"))["results"]


def test_query_output_dir_needs_all(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["query", "founders", "--output-dir", str(tmp_path)])
    assert result.exit_code == 2


@pytest.mark.usefixtures("rdflib_logs_as_shipped")
@pytest.mark.parametrize(
    "command",
    # (On Oxigraph `stats` and `export` count and write in the store, reading no literal's
    # value: nothing to warn about there.)
    [
        ["validate"],
        ["stats", "--store", "memory"],
        ["export", "--store", "memory"],
        ["validate", "--store", "memory"],
    ],
)
def test_an_ill_typed_literal_gives_one_warning_line_and_no_traceback(
    invoke: Invoke, tmp_path: Path, command: list[str]
) -> None:
    result = invoke([*command, "--data", _users_file(tmp_path)], fixture=False)
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "fit" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("Warning: 3 literals do not fit their datatypes, kept as written")
    assert "xsd:integer" in warnings[0] or "xsd:date" in warnings[0]
    assert "Traceback" not in result.stdout


@pytest.mark.usefixtures("rdflib_logs_as_shipped")
def test_an_oxigraph_export_writes_ill_typed_literals_as_written(
    invoke: Invoke, tmp_path: Path
) -> None:
    # Oxigraph's writer copies the lexical forms without reading them: nothing to warn about.
    result = invoke(["export", "--format", "nt", "--data", _users_file(tmp_path)], fixture=False)
    assert result.exit_code == 0
    assert '"abc"^^<http://www.w3.org/2001/XMLSchema#integer>' in result.stdout
    assert "Traceback" not in result.stderr


def test_quiet_says_nothing_but_errors(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["--quiet", "validate", "--data", _users_file(tmp_path)], fixture=False)
    assert result.exit_code == 0
    assert result.stderr == ""
    result = invoke(["-q", "export", "--data", str(tmp_path / "missing.ttl")], fixture=False)
    assert result.exit_code == 2
    assert "Error:" in result.stderr


def test_verbose_shows_each_steps_time(invoke: Invoke) -> None:
    result = invoke(["--verbose", "export", "--format", "nt"])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert any(line.startswith("load: ") and line.endswith(" s") for line in lines)
    assert any(line.startswith("export: ") and line.endswith(" s") for line in lines)


def test_quiet_and_verbose_together_are_a_usage_error(invoke: Invoke) -> None:
    assert invoke(["-q", "-v", "stats"]).exit_code == 2


def test_bundled_idle_shapes_give_one_summary_line(invoke: Invoke, tmp_path: Path) -> None:
    data = _users_file(tmp_path, "<http://example.org/a> <http://example.org/p> 1 .\n")
    result = invoke(["validate", "--data", data], fixture=False)
    lines = [line for line in result.stderr.splitlines() if "target nothing" in line]
    assert len(lines) == 1
    assert "bundled shapes" in lines[0]
    assert "targets nothing" not in result.stderr


def test_the_users_idle_shapes_are_named_one_by_one(invoke: Invoke, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:TypoShape a sh:NodeShape ; sh:targetClass ex:Persn ;\n"
        "  sh:property [ sh:path ex:age ; sh:maxCount 1 ] .\n",
        "utf-8",
    )
    result = invoke(["validate", "--shapes", str(shapes)], fixture=False)
    assert "ex:TypoShape targets nothing" in result.stderr  # with the file's own prefix
