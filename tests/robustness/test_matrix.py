"""The hostile and broken input matrix: one row per case, run through the CLI.

Each row gives the files to create, the command line, the exit code and a fragment of the message
a user sees. Every row also checks that no traceback and no "Internal error" reaches the user,
and the autouse ``no_network`` fixture fails any row that opens a connection.

Server rows (oversized bodies, slow clients, path traversal...) belong to ``kgtool serve`` and
are not here yet. Rows that need a real process or a patched OS call are in
``test_output.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtool.cli.main import cli

from ..conftest import FACTS, ONTOLOGY, QUERIES, SHAPES

#: Small ontology and shapes, so each row loads fast; --data is given by the row.
NESTED_TURTLE = (
    "<http://a> <http://b> " + "[ <http://b> " * 5000 + '"x"' + " ]" * 5000 + " ."
).encode()
LIB = ["--ontology", str(ONTOLOGY), "--shapes", str(SHAPES)]
#: The fixture facts and queries, for the SPARQL rows.
Q = ["--data", str(FACTS), *LIB, "--queries", str(QUERIES)]
SECRET = "TOP-SECRET-CONTENT-4711"
MB = 1024 * 1024

Content = bytes | Callable[[], bytes]


@dataclass(frozen=True)
class Case:
    """One row: create ``files`` in a fresh folder, run ``args`` there, check the outcome."""

    id: str
    args: list[str]
    exit_code: int
    fragment: str
    files: dict[str, Content] = field(default_factory=dict)
    input: bytes | None = None
    absent: str | None = None  # must appear nowhere in the output (e.g. a secret file's text)


# One valid and one broken document per input format; the broken one fails on line 2 or 3.
GOOD: dict[str, str] = {
    "ttl": '<http://a> <http://b> "é" .\n',
    "trig": '<http://g> { <http://a> <http://b> "é" . }\n',
    "nt": '<http://a> <http://b> "é" .\n',
    "nq": '<http://a> <http://b> "é" <http://g> .\n',
    "jsonld": '{"@id": "http://a", "http://b": "é"}\n',
    "rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '\n<rdf:Description rdf:about="http://a"><b xmlns="http://x/">é</b></rdf:Description>'
    "\n</rdf:RDF>\n",
}
BAD: dict[str, tuple[str, int]] = {
    "ttl": ('<http://a> <http://b> "x" .\n<http://a> <http://b> oops .\n', 2),
    "trig": ('<http://g> {\n <http://a> <http://b> "x" .\n <http://a> <http://b> oops .\n}\n', 3),
    "nt": ('<http://a> <http://b> "x" .\n<http://a> <http://b> oops .\n', 2),
    "nq": ('<http://a> <http://b> "x" <http://g> .\n<http://a> <http://b> oops .\n', 2),
    "jsonld": ('{"@id": "http://a",\n "http://b": \n}\n', 3),
    "rdf": (GOOD["rdf"].replace("</b>", "</c>"), 3),
}
EMPTY_IS_VALID = {"ttl", "trig", "nt", "nq"}  # their grammars allow an empty document


def big_literal(ext: str, size: int) -> Callable[[], bytes]:
    """A document holding one literal of ``size`` characters (built lazily, per row)."""

    def build() -> bytes:
        return GOOD[ext].replace("é", "x" * size).encode()

    return build


def format_rows() -> list[Case]:
    rows: list[Case] = []
    for ext, good in GOOD.items():
        bad, line = BAD[ext]
        rows += [
            Case(
                f"syntax-{ext}",
                ["stats", "--data", f"bad.{ext}", *LIB],
                2,
                f"bad.{ext}:{line}:",
                {f"bad.{ext}": bad.encode()},
            ),
            Case(
                f"utf16-{ext}",
                ["stats", "--data", f"u16.{ext}", *LIB],
                2,
                f"u16.{ext}: UTF-16 text",
                {f"u16.{ext}": good.encode("utf-16")},
            ),
            Case(
                f"bom-{ext}",
                ["stats", "--data", f"bom.{ext}", *LIB],
                0,
                "Asserted triples",
                {f"bom.{ext}": b"\xef\xbb\xbf" + good.encode()},
            ),
            Case(
                f"bad-utf8-{ext}",
                ["stats", "--data", f"inv.{ext}", *LIB],
                2,
                "not UTF-8 text (invalid start byte",
                {f"inv.{ext}": good.encode().replace("é".encode(), b"\xff\xfe")},
            ),
            Case(
                f"empty-{ext}",
                ["stats", "--data", f"empty.{ext}", *LIB],
                0 if ext in EMPTY_IS_VALID else 2,
                "Asserted triples" if ext in EMPTY_IS_VALID else f"empty.{ext}: empty file",
                {f"empty.{ext}": b""},
            ),
            # rdflib's RDF/XML handler concatenates text chunks quadratically: a 50 MB literal
            # takes ~18 s there (bounded, but too slow for every CI run), so 8 MB for .rdf.
            Case(
                f"50mb-literal-{ext}",
                ["stats", "--data", f"big.{ext}", *LIB],
                0,
                "Asserted triples",
                {f"big.{ext}": big_literal(ext, (8 if ext == "rdf" else 50) * MB)},
            ),
        ]
    return rows


XXE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "file:secret.txt"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&xxe;</ex:p></rdf:Description>
</rdf:RDF>
"""
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY lol0 "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/a">'
    "<ex:p>&lol9;</ex:p></rdf:Description>\n</rdf:RDF>\n"
)
QUADRATIC = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY big "' + "x" * 100_000 + '"> ]>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'rdf:about="http://a"><b xmlns="http://x/">' + "&big;" * 2000 + "</b></rdf:Description>"
    "</rdf:RDF>\n"
)
PROTEGE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
    <!ENTITY owl "http://www.w3.org/2002/07/owl#" >
    <!ENTITY ex 'http://example.org/' >
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="&ex;a"><rdf:type rdf:resource="&owl;Thing"/></rdf:Description>
</rdf:RDF>
"""
RDF_HEAD = '<?xml version="1.0"?>\n'
RDF_ROOT = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'


def nested_jsonld(depth: int) -> bytes:
    return ('{"@id": "http://a", "http://b": ' * depth + '"x"' + "}" * depth).encode()


XML_ROWS = [
    Case(
        "xxe-file",
        ["stats", "--data", "xxe.rdf", *LIB],
        2,
        "external entity",
        {"xxe.rdf": XXE.encode(), "secret.txt": SECRET.encode()},
        absent=SECRET,
    ),
    Case(
        "xxe-in-ontology",
        ["stats", "--data", "ok.ttl", "--ontology", "x.owl", "--shapes", str(SHAPES)],
        2,
        "x.owl: refused",
        {"x.owl": XXE.encode(), "secret.txt": SECRET.encode(), "ok.ttl": b""},
        absent=SECRET,
    ),
    Case(
        "xxe-http",
        ["stats", "--data", "h.rdf", *LIB],
        2,
        "(XXE)",
        {"h.rdf": XXE.replace("file:secret.txt", "http://127.0.0.1:9/x").encode()},
    ),
    Case(
        "external-dtd",
        ["stats", "--data", "d.rdf", *LIB],
        2,
        "SYSTEM/PUBLIC",
        {
            "d.rdf": (
                RDF_HEAD + '<!DOCTYPE rdf:RDF SYSTEM "http://example.org/x.dtd">\n' + RDF_ROOT
            ).encode()
        },
    ),
    Case(
        "public-dtd",
        ["stats", "--data", "d.rdf", *LIB],
        2,
        "SYSTEM/PUBLIC",
        {
            "d.rdf": (
                RDF_HEAD + '<!DOCTYPE rdf:RDF PUBLIC "-//x//EN" "x.dtd">\n' + RDF_ROOT
            ).encode()
        },
    ),
    Case(
        "parameter-entity",
        ["stats", "--data", "p.rdf", *LIB],
        2,
        "parameter entities",
        {"p.rdf": (RDF_HEAD + '<!DOCTYPE r [ <!ENTITY % pe "x"> ]>\n' + RDF_ROOT).encode()},
    ),
    Case(
        "billion-laughs",
        ["stats", "--data", "lol.rdf", *LIB],
        2,
        "billion laughs",
        {"lol.rdf": LAUGHS.encode()},
    ),
    Case(
        "quadratic-blowup",
        ["stats", "--data", "q.rdf", *LIB],
        2,
        "entity expansion would add",
        {"q.rdf": QUADRATIC.encode()},
    ),
    Case(
        "protege-entities-ok",
        ["stats", "--data", "p.owl", *LIB],
        0,
        "Asserted triples: 51",
        {"p.owl": PROTEGE.encode()},
    ),
]

JSONLD_ROWS = [
    Case(
        "jsonld-remote-context",
        ["stats", "--data", "c.jsonld", *LIB],
        2,
        "remote JSON-LD context 'http://schema.org/'",
        {"c.jsonld": b'{"@context": "http://schema.org/", "@id": "http://a", "name": "x"}'},
    ),
    Case(
        "jsonld-remote-context-in-list",
        ["stats", "--data", "c.jsonld", *LIB],
        2,
        "kgtool works offline",
        {"c.jsonld": b'{"@context": [{"a": "http://a/"}, "https://w3id.org/x"]}'},
    ),
    Case(
        "jsonld-import",
        ["stats", "--data", "c.jsonld", *LIB],
        2,
        "'http://example.org/ctx'",
        {"c.jsonld": b'{"@context": {"@import": "http://example.org/ctx"}, "@id": "http://a"}'},
    ),
    Case(
        "jsonld-scoped-remote-context",
        ["stats", "--data", "c.jsonld", *LIB],
        2,
        "remote JSON-LD context",
        {"c.jsonld": b'{"@id": "http://a", "http://b": {"@context": "http://r/"}}'},
    ),
    Case(
        "jsonld-remote-context-stdin",
        ["stats", "--data", "-", "--input-format", "jsonld", *LIB],
        2,
        "<stdin>: refers to the remote",
        input=b'{"@context": "http://schema.org/"}',
    ),
    Case(
        "jsonld-nested-50-ok",
        ["stats", "--data", "n.jsonld", *LIB],
        0,
        "Asserted triples",
        {"n.jsonld": nested_jsonld(50)},
    ),
    Case(
        "jsonld-nested-1000",
        ["stats", "--data", "n.jsonld", *LIB],
        2,
        "nested more than 100 levels",
        {"n.jsonld": nested_jsonld(1000)},
    ),
    Case(
        "jsonld-nested-100000",
        ["stats", "--data", "n.jsonld", *LIB],
        2,
        "nested more than 100 levels",
        {"n.jsonld": nested_jsonld(100_000)},
    ),
    Case(
        "jsonld-nested-arrays",
        ["stats", "--data", "n.jsonld", *LIB],
        2,
        "n.jsonld:1: malformed json-ld (nested more than 100 levels",
        {"n.jsonld": b"[" * 100_000 + b"]" * 100_000},
    ),
    Case(
        "jsonld-not-an-object",
        ["stats", "--data", "n.jsonld", *LIB],
        2,
        "a JSON-LD document is a JSON object or array, not int",
        {"n.jsonld": b"42"},
    ),
    # Valid Turtle: Oxigraph reads it; rdflib's recursive parser gives up, with the file named.
    Case(
        "turtle-nested-blank-nodes",
        ["stats", "--data", "n.ttl", *LIB],
        0,
        "Asserted triples: 5051",
        {"n.ttl": NESTED_TURTLE},
    ),
    Case(
        "turtle-nested-blank-nodes-memory",
        ["stats", "--data", "n.ttl", "--store", "memory", *LIB],
        2,
        "n.ttl:1: malformed turtle (nested too deeply",
        {"n.ttl": NESTED_TURTLE},
    ),
]

FILE_ROWS = [
    Case("missing-file", ["stats", "--data", "nosuch.ttl", *LIB], 2, "nosuch.ttl: no such file"),
    Case(
        "unknown-extension",
        ["stats", "--data", "x.csv", *LIB],
        2,
        "cannot tell the RDF format from the extension '.csv'",
        {"x.csv": b"a,b\n"},
    ),
    Case(
        "folder-as-data-is-walked",
        ["stats", "--data", "d", *LIB],
        0,
        "Asserted triples: 51",
        {"d/a.ttl": GOOD["ttl"].encode(), "d/notes.txt": b"not rdf"},
    ),
    Case(
        "query-file-is-a-folder", ["query", "q.rq", *Q], 2, "q.rq: is a directory", {"q.rq/x": b""}
    ),
    Case(
        "queries-option-is-a-file",
        ["query", "founders", "--data", str(FACTS), *LIB, "--queries", "f.ttl"],
        2,
        "is a file",
        {"f.ttl": b""},
    ),
    Case(
        "output-is-a-folder",
        ["export", "--data", str(FACTS), *LIB, "-o", "out"],
        2,
        "out: cannot write",
        {"out/x": b""},
    ),
    Case(
        "output-folder-missing",
        ["export", "--data", str(FACTS), *LIB, "-o", "no/out.ttl"],
        2,
        "no/out.ttl: cannot write",
    ),
    Case(
        "stdin-needs-format",
        ["stats", "--data", "-", *LIB],
        2,
        "give --input-format",
        input=GOOD["ttl"].encode(),
    ),
    Case(
        "stdin-bad-utf8",
        ["stats", "--data", "-", "--input-format", "ttl", *LIB],
        2,
        "<stdin>:1: not UTF-8 text",
        input=b'<http://a> <http://b> "\xff" .',
    ),
    Case(
        "unknown-input-format",
        ["stats", "--data", "-", "--input-format", "csv", *LIB],
        2,
        "Invalid value for '--input-format'",
        input=b"",
    ),
]

INJECTION = 'x" } ; DROP ALL ; #'
SPARQL_ROWS = [
    Case(
        "sparql-syntax-line-column",
        ["query", "SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(?z > )\n}", *Q],
        2,
        "SPARQL syntax error at line 3, column",
    ),
    Case(
        "sparql-syntax-one-line", ["query", "SELECT ?x WHERE { ?x ?y }", *Q], 2, "line 1, column 19"
    ),
    Case(
        "sparql-unknown-prefix",
        ["query", "SELECT ?s WHERE {\n ?s nope:x ?o }", *Q],
        2,
        "line 2, column 5: unknown prefix 'nope'",
    ),
    Case("sparql-empty", ["query", "", *Q], 2, "the query is empty"),
    Case("sparql-only-comments", ["query", "-", *Q], 2, "the query is empty", input=b"# hi\n"),
    Case(
        "sparql-stdin-bad-utf8",
        ["query", "-", *Q],
        2,
        "<stdin>:1: not UTF-8",
        input=b"SELECT * { ?s ?p '\xff' }",
    ),
    Case(
        "sparql-service",
        ["query", "SELECT * { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }", *Q],
        2,
        "pass --allow-service",
    ),
    Case(
        "sparql-service-silent",
        ["query", "SELECT * { SERVICE SILENT <http://127.0.0.1:9/s> { ?s ?p ?o } }", *Q],
        2,
        "pass --allow-service",
    ),
    Case(
        "sparql-from",
        ["query", "SELECT * FROM <http://127.0.0.1:9/x> { ?s ?p ?o }", *Q],
        0,
        "(0 rows)",  # a graph the store does not hold is empty; nothing is fetched
    ),
    Case(
        "sparql-from-named",
        ["query", "SELECT * FROM NAMED <file:secret.txt> { GRAPH ?g { ?s ?p ?o } }", *Q],
        0,
        "(0 rows)",
        {"secret.txt": SECRET.encode()},
        absent=SECRET,
    ),
    Case(
        "sparql-insert",
        ["query", "INSERT DATA { <http://a> <http://b> <http://c> }", *Q],
        2,
        "kgtool query is read-only",
    ),
    Case("sparql-delete", ["query", "DELETE WHERE { ?s ?p ?o }", *Q], 2, "read-only"),
    Case("sparql-load", ["query", "LOAD <http://127.0.0.1:9/x.ttl>", *Q], 2, "read-only"),
    Case(
        "sparql-load-file",
        ["query", "LOAD <file:secret.txt>", *Q],
        2,
        "read-only",
        {"secret.txt": SECRET.encode()},
        absent=SECRET,
    ),
    Case("sparql-drop-all", ["query", "DROP ALL", *Q], 2, "read-only"),
    Case("sparql-clear", ["query", "CLEAR DEFAULT", *Q], 2, "read-only"),
    Case("sparql-query-then-update", ["query", "SELECT * {} ; DROP ALL", *Q], 2, "line 1"),
    Case(
        "param-injection-entity",
        ["query", "founders", "--param", f"org={INJECTION}", *Q],
        2,
        f"no entity is labelled {INJECTION!r}",
    ),
    Case(
        "param-injection-integer",
        ["query", "models-since", "--param", "min=1 } ; DROP ALL #", *Q],
        2,
        "is not an integer",
    ),
    Case(
        "param-injection-iri",
        ["query", "founders", "--param", "org=<http://a> } UNION { ?s ?p ?o", *Q],
        2,
        "no entity is labelled",
    ),
    Case(
        "param-unknown",
        ["query", "founders", "--param", "nope=1", *Q],
        2,
        "unknown parameter 'nope'",
    ),
    Case(
        "param-without-value",
        ["query", "founders", "--param", "org", *Q],
        2,
        "--param takes name=value",
    ),
    Case("param-missing", ["query", "models-since", *Q], 2, "'min' (integer) is required"),
    Case("unknown-query-name", ["query", "nosuch", *Q], 2, "no bundled query is named 'nosuch'"),
    Case(
        "construct-as-csv",
        ["query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--format", "csv", *Q],
        2,
        "does not fit a CONSTRUCT query",
    ),
    Case(
        "ask-as-turtle",
        ["query", "ASK { ?s ?p ?o }", "--format", "turtle", *Q],
        2,
        "does not fit a ASK query",
    ),
    Case(
        "bad-regex-at-run-time",
        # rdflib's engine raises; Oxigraph's treats the bad pattern as an expression error
        # (the FILTER is false), as SPARQL 1.1 section 17.3 has it.
        ["query", 'SELECT * { ?s ?p ?o FILTER(REGEX(STR(?o), "(")) }', "--store", "memory", *Q],
        1,
        "failed while running: missing ), unterminated",
    ),
    # rdflib bug: the short CONSTRUCT WHERE form with a solution modifier loses its template.
    Case(
        "construct-where-limit",
        ["query", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "--store", "memory", *Q],
        1,
        "failed while running",
    ),
    Case("query-and-all", ["query", "founders", "--all", *Q], 2, "not both"),
]

CASES = [*format_rows(), *XML_ROWS, *JSONLD_ROWS, *FILE_ROWS, *SPARQL_ROWS]


def test_matrix_is_big_enough() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, content in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content() if callable(content) else content)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, case.args, input=case.input)
    output = result.stdout + result.stderr
    assert result.exit_code == case.exit_code, output[:2000]
    assert case.fragment in output, output[:2000]
    assert "Traceback" not in output and "Internal error" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if case.exit_code:
        assert result.stderr.startswith(("Error:", "Usage:")), result.stderr[:500]
    if case.absent:
        assert case.absent not in output
