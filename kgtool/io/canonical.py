"""Write the hand-edited sources (ontology, shapes, facts) in one canonical form.

Committed Turtle and TriG are the output of this module, so that a re-serialisation changes
nothing and a diff shows only real edits. Turtle is rdflib's ``longturtle`` (sorted, one
statement per subject, SPARQL-style ``PREFIX``); TriG is the same, one block per named graph,
blocks sorted by graph name. Only the project's prefixes (:data:`kgtool.core.namespaces.PREFIXES`)
are
bound. A file's leading ``#`` comment lines (its header, with the licence attribution) are kept.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kgtool.core.errors import UsageError
from kgtool.core.namespaces import bind_prefixes
from kgtool.io.parse import parse_file, read_text
from kgtool.io.turtle import LONG_TURTLE

CANONICAL_SUFFIXES: tuple[str, ...] = (".ttl", ".trig")


def _header(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if not line.startswith("#"):
            break
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n\n" if lines else ""


def _split_prefixes(turtle: str) -> tuple[list[str], list[str]]:
    prefixes, body = [], []
    inside = False  # within a multi-line literal, whose text must stay byte for byte
    # Lines end at "\n" only: splitlines() would also cut at U+0085 or U+2028 inside a literal.
    for line in turtle.split("\n"):
        if line.startswith("PREFIX ") and not inside:
            prefixes.append(line)
        else:
            body.append(line if inside else line.rstrip())
        if line.count('"""') % 2:
            inside = not inside
    while body and not body[0]:
        body.pop(0)
    while body and not body[-1]:
        body.pop()
    return prefixes, body


def _indent(lines: list[str]) -> list[str]:
    # Indent a graph block's body, but never the inside of a multi-line literal: that would
    # change the literal.
    out, inside = [], False
    for line in lines:
        out.append(line if inside or not line else "    " + line)
        if line.count('"""') % 2:
            inside = not inside
    return out


def _longturtle(graph: Graph) -> str:
    out = bind_prefixes(Graph(bind_namespaces="none"))
    for triple in graph:
        out.add(triple)
    return out.serialize(format=LONG_TURTLE)


def canonical_turtle(graph: Graph) -> str:
    """Return ``graph`` as canonical Turtle.

    >>> from rdflib import URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("https://w3id.org/eleutherai-kg/id/A"),
    ...            URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
    ...            URIRef("https://w3id.org/eleutherai-kg/id/B")))
    >>> print(canonical_turtle(g), end="")
    PREFIX id: <https://w3id.org/eleutherai-kg/id/>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    <BLANKLINE>
    id:A
        rdfs:seeAlso id:B ;
    .
    """
    prefixes, body = _split_prefixes(_longturtle(graph))
    return "\n".join([*prefixes, "", *body]) + "\n"


def canonical_trig(dataset: Dataset) -> str:
    """Return ``dataset`` as canonical TriG: one block per named graph, sorted by name."""
    all_prefixes: set[str] = set()
    blocks: list[tuple[str, str]] = []
    namespaces = bind_prefixes(Graph(bind_namespaces="none")).namespace_manager
    for graph in dataset.graphs():
        if not len(graph):
            continue
        prefixes, body = _split_prefixes(_longturtle(graph))
        all_prefixes.update(prefixes)
        if graph.identifier == DATASET_DEFAULT_GRAPH_ID:
            blocks.append(("", "\n".join(body)))
            continue
        name = graph.identifier.n3(namespaces)
        inner = "\n".join(_indent(body))
        blocks.append((str(graph.identifier), f"{name} {{\n{inner}\n}}"))
    blocks.sort()
    prefix_lines = sorted(all_prefixes)
    # Graph names need their prefixes too, even when no triple uses them.
    for key, block in blocks:
        if not key:  # the default graph's block starts with a triple, not a graph name
            continue
        head = block.split(" ", 1)[0]
        if ":" in head and not head.startswith("<"):
            prefix = head.split(":", 1)[0]
            line = f"PREFIX {prefix}: <{namespaces.store.namespace(prefix)}>"
            if line not in prefix_lines:
                prefix_lines = sorted([*prefix_lines, line])
    return "\n".join(prefix_lines) + "\n\n" + "\n\n".join(b for _k, b in blocks) + "\n"


def canonical_text(path: str | Path) -> str:
    """Return the canonical text of a Turtle or TriG file (its header comments kept).

    Args:
        path: A ``.ttl`` or ``.trig`` file.

    Returns:
        The text the file should have.

    Raises:
        UsageError: If the file is neither Turtle nor TriG.
        InputError: If it cannot be read or parsed.
    """
    path = Path(path)
    if path.suffix not in CANONICAL_SUFFIXES:
        raise UsageError(f"{path}: only Turtle (.ttl) and TriG (.trig) files have a canonical form")
    header = _header(read_text(path))
    dataset = parse_file(path)
    if path.suffix == ".ttl":
        union = Graph()
        for s, p, o, _g in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        body = canonical_turtle(union)
    else:
        body = canonical_trig(dataset)
    return header + body
