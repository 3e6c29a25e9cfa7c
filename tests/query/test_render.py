"""Results formats: every value written as it is, read back as the same terms, on both stores."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtool.core.plain import PlainAnswer, PlainTerm
from kgtool.graph import KnowledgeGraph
from kgtool.query.render import render, render_json
from kgtool.query.run import QueryOutcome, run_query

_DATA = '''@prefix : <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:s :n "0"^^xsd:integer ; :flag false ; :label "" ; :d "0.5"^^xsd:decimal ;
   :q """line1
line2\twith a tab, a "quote", a comma and a \\\\ backslash\\r""" ;
   :lang "zéro"@fr ; :b [ :x 1 ] .
'''
_QUERY = """PREFIX : <http://example.org/>
SELECT ?n ?flag ?label ?d ?q ?lang ?b ?none {
  :s :n ?n ; :flag ?flag ; :label ?label ; :d ?d ; :q ?q ; :lang ?lang ; :b ?b
  OPTIONAL { :s :missing ?none }
}"""
_FORMATS = {
    "xml": ox.QueryResultsFormat.XML,
    "json": ox.QueryResultsFormat.JSON,
    "tsv": ox.QueryResultsFormat.TSV,
}


@pytest.fixture(params=["memory", "oxigraph"])
def outcome(request: pytest.FixtureRequest, tmp_path: Path) -> QueryOutcome:
    data = tmp_path / "data.ttl"
    data.write_text(_DATA, encoding="utf-8")
    kg = KnowledgeGraph.load(data=[data], ontology=[], shapes=[], store=request.param)
    return run_query(kg, _QUERY)


def _expected() -> dict[str, object]:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    return {
        "n": ox.Literal("0", datatype=ox.NamedNode(xsd + "integer")),
        "flag": ox.Literal("false", datatype=ox.NamedNode(xsd + "boolean")),
        "label": ox.Literal(""),
        "d": ox.Literal("0.5", datatype=ox.NamedNode(xsd + "decimal")),
        "q": ox.Literal('line1\nline2\twith a tab, a "quote", a comma and a \\ backslash\r'),
        "lang": ox.Literal("zéro", language="fr"),
        "b": ox.BlankNode("b0"),
    }


def _read_back(text: str, fmt: str) -> tuple[list[str], list[dict[str, object]]]:
    solutions = ox.parse_query_results(text.encode("utf-8"), format=_FORMATS[fmt])
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    rows = [{n: s[n] for n in names if s[n] is not None} for s in solutions]
    return names, rows


@pytest.mark.parametrize("fmt", ["xml", "json", "tsv"])
def test_results_keep_zero_false_and_empty_string(outcome: QueryOutcome, fmt: str) -> None:
    names, rows = _read_back(render(outcome, fmt), fmt)
    assert names == ["n", "flag", "label", "d", "q", "lang", "b", "none"]
    assert rows == [_expected()]


def test_xml_results_keep_zero_false_and_empty_string(outcome: QueryOutcome) -> None:
    text = render(outcome, "xml")
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    assert f'<binding name="n"><literal datatype="{integer}">0</literal></binding>' in text
    assert '<binding name="label"><literal></literal></binding>' in text
    assert '<binding name="b"><bnode>b0</bnode></binding>' in text


def test_tsv_writes_a_newline_in_a_literal_as_an_escape(outcome: QueryOutcome) -> None:
    lines = render(outcome, "tsv").splitlines()
    assert len(lines) == 2  # the header and one solution, whatever the literals hold
    assert lines[1].split("\t")[4] == (
        '"line1\\nline2\\twith a tab, a \\"quote\\", a comma and a \\\\ backslash\\r"'
    )


def test_csv_quotes_commas_quotes_and_line_breaks(outcome: QueryOutcome) -> None:
    text = render(outcome, "csv")
    assert text.startswith("n,flag,label,d,q,lang,b,none\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [
        "0",
        "false",
        "",
        "0.5",
        'line1\nline2\twith a tab, a "quote", a comma and a \\ backslash\r',
        "zéro",
        "_:b0",
        "",
    ]


@pytest.mark.parametrize("fmt", ["xml", "json", "tsv", "csv", "table"])
def test_a_solution_that_binds_nothing_is_written(tmp_path: Path, fmt: str) -> None:
    kg = KnowledgeGraph.load(data=[], ontology=[], shapes=[], store="memory")
    outcome = run_query(kg, "SELECT ?x { OPTIONAL { ?s <urn:nothing> ?x } }")
    text = render(outcome, fmt)
    if fmt in _FORMATS:
        assert _read_back(text, fmt) == (["x"], [{}])
    else:
        assert len(text.splitlines()) == (2 if fmt == "csv" else 4)


def test_ask_results(tmp_path: Path) -> None:
    kg = KnowledgeGraph.load(data=[], ontology=[], shapes=[], store="memory")
    outcome = run_query(kg, "ASK {}")
    for fmt in _FORMATS:
        answer = ox.parse_query_results(render(outcome, fmt).encode(), format=_FORMATS[fmt])
        assert isinstance(answer, ox.QueryBoolean) and bool(answer) is True


class _Answered:
    """What render_json reads of an outcome: its plain answer."""

    def __init__(self, answer: PlainAnswer) -> None:
        self.answer = answer

    def plain(self) -> PlainAnswer:
        return self.answer


def _json_doc(answer: PlainAnswer) -> str:
    """The results document as ``json`` writes it: the bytes render_json must give."""
    labels: dict[str, str] = {}

    def term(node: PlainTerm) -> dict[str, str]:
        if node.kind == "bnode":
            return {"type": "bnode", "value": labels.setdefault(node.value, f"b{len(labels)}")}
        made = {"type": node.kind, "value": node.value}
        if node.kind == "literal" and node.language:
            made["xml:lang"] = node.language
        elif node.kind == "literal" and node.datatype is not None:
            made["datatype"] = node.datatype
        return made

    bindings = [
        {v: term(c) for v, c in zip(answer.columns, row, strict=True) if c is not None}
        for row in answer.rows
    ]
    doc = {"head": {"vars": answer.columns}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


_TEXT = st.text(st.characters(codec="utf-8"), max_size=8)
_TERMS = st.one_of(
    st.none(),
    st.builds(lambda v: PlainTerm("uri", v), _TEXT),
    st.builds(lambda v: PlainTerm("bnode", v), st.sampled_from(["x", "y", "z"])),
    st.builds(
        lambda v, dt, lang: PlainTerm("literal", v, lang or None, None if lang else dt),
        _TEXT,
        st.one_of(st.none(), _TEXT),
        st.one_of(st.none(), st.sampled_from(["en", "fr-BE"])),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_TEXT, unique=True, max_size=4).flatmap(
        lambda columns: st.tuples(
            st.just(columns),
            st.lists(st.tuples(*[_TERMS for _ in columns]), max_size=4),
        )
    )
)
def test_results_json_is_the_bytes_json_writes(drawn: tuple[list[str], list[tuple]]) -> None:
    columns, rows = drawn
    answer = PlainAnswer("SELECT", columns, rows)
    assert render_json(_Answered(answer)) == _json_doc(answer)  # type: ignore[arg-type]
