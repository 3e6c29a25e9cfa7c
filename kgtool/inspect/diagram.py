"""Draw the ontology (classes, subclass links, properties) or one entity's neighbourhood.

Writes Graphviz DOT (https://graphviz.org/doc/info/lang.html) and renders it with the ``dot``
program (Debian's ``graphviz``) to SVG or PNG. ``kgtool diagram`` and the server's entity pages
use the same drawing. Labels are DOT-escaped (never HTML labels), so data cannot inject markup.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from kgtool.core.errors import ExportError, GraphvizMissingError, UsageError
from kgtool.core.namespaces import bind_prefixes
from kgtool.core.terms import resolve_entity, shorten
from kgtool.graph import KnowledgeGraph

DIAGRAM_FORMATS: tuple[str, ...] = ("svg", "png", "dot")
_SHOW = bind_prefixes(Graph())
#: Links not drawn as edges: types go into the node's label; sameAs points off the graph.
_SKIPPED = frozenset({RDF.type, OWL.sameAs})


def quote(text: str) -> str:
    """Quote a string for DOT, escaping what DOT would interpret.

    >>> quote('say "hi" \\\\ <b>')
    '"say \\\\"hi\\\\" \\\\\\\\ <b>"'
    """
    clean = "".join(ch if ch.isprintable() else " " for ch in text)
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(graph: Graph, node: Node, limit: int = 40) -> str:
    value = graph.value(node, RDFS.label) if isinstance(node, URIRef) else None
    text = str(value) if value is not None else shorten(_SHOW, node)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ontology_dot(ontology: Graph) -> str:
    """Return DOT for the ontology: classes, ``rdfs:subClassOf`` and object properties.

    Datatype properties are listed inside their domain's box.

    Args:
        ontology: The ontology triples.

    Returns:
        The DOT source.

    >>> "digraph" in ontology_dot(Graph())
    True
    """
    classes = sorted(
        {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        | {c for c in ontology.subjects(RDF.type, RDFS.Class) if isinstance(c, URIRef)}
    )
    ids = {c: f"c{i}" for i, c in enumerate(classes)}
    attributes: dict[URIRef, list[str]] = {c: [] for c in classes}
    edges: list[str] = []
    for prop in sorted(
        p for p in ontology.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(p, URIRef)
    ):
        for domain in ontology.objects(prop, RDFS.domain):
            if domain in attributes:
                attributes[domain].append(_label(ontology, prop))  # type: ignore[index]
    for prop in sorted(
        p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)
    ):
        for domain in ontology.objects(prop, RDFS.domain):
            for range_ in ontology.objects(prop, RDFS.range):
                if domain in ids and range_ in ids:
                    edges.append(
                        f"  {ids[domain]} -> {ids[range_]} "  # type: ignore[index]
                        f"[label={quote(_label(ontology, prop))}];"
                    )
    for cls in classes:
        for parent in ontology.objects(cls, RDFS.subClassOf):
            if parent in ids:
                edges.append(
                    f"  {ids[cls]} -> {ids[parent]} "  # type: ignore[index]
                    '[arrowhead=empty, style=bold, color="#555555"];'
                )
    lines = [
        "digraph ontology {",
        "  rankdir=BT;",
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10, color="#7a8aa6"];',
    ]
    for cls in classes:
        label = _label(ontology, cls)
        props = sorted(attributes[cls])
        if props:
            label += "\n" + "\n".join(props)
        lines.append(f"  {ids[cls]} [label={quote(label)}];")
    lines.extend(edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def neighbourhood_dot(
    graph: Graph,
    iri: URIRef,
    depth: int = 1,
    max_nodes: int = 40,
    link: Callable[[URIRef], str | None] | None = None,
) -> str:
    """Return DOT for the entities within ``depth`` links of ``iri`` (either direction).

    Args:
        graph: The triples (the union of the graphs).
        iri: The centre.
        depth: How many links away to go.
        max_nodes: Stop adding nodes beyond this many, so hubs stay readable.
        link: Gives each node's URL (None: no link), e.g. the server's local page.

    Returns:
        The DOT source.

    >>> g = Graph()
    >>> g.add((URIRef("http://e/a"), URIRef("http://e/p"), URIRef("http://e/b")))
    <Graph identifier=... (<class 'rdflib.graph.Graph'>)>
    >>> neighbourhood_dot(g, URIRef("http://e/a")).count("->")
    1
    """
    nodes: dict[URIRef, str] = {iri: "n0"}
    edges: set[tuple[URIRef, URIRef, URIRef]] = set()
    frontier = [iri]
    for _ in range(depth):
        following: list[URIRef] = []
        for node in frontier:
            neighbours = [
                (node, p, o) for p, o in graph.predicate_objects(node) if isinstance(o, URIRef)
            ] + [(s, p, node) for s, p in graph.subject_predicates(node) if isinstance(s, URIRef)]
            for s, p, o in sorted(neighbours):
                if p in _SKIPPED or not isinstance(p, URIRef):
                    continue
                other = o if s == node else s
                assert isinstance(s, URIRef) and isinstance(o, URIRef)
                if other not in nodes:
                    if len(nodes) >= max_nodes:
                        continue
                    nodes[other] = f"n{len(nodes)}"
                    following.append(other)
                edges.add((s, p, o))
        frontier = following
    lines = [
        "digraph neighbourhood {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10, color="#7a8aa6"];',
    ]
    for node, ident in nodes.items():
        label = _label(graph, node)
        types = sorted(_label(graph, t) for t in graph.objects(node, RDF.type))
        if types:
            label += "\n(" + ", ".join(types[:2]) + ")"
        attrs = [f"label={quote(label)}"]
        if node == iri:
            attrs.append('fillcolor="#ffe9a8"')
        url = link(node) if link else None
        if url:
            attrs.append(f"URL={quote(url)}")
        lines.append(f"  {ident} [{', '.join(attrs)}];")
    for s, p, o in sorted(edges):
        lines.append(f"  {nodes[s]} -> {nodes[o]} [label={quote(_label(graph, p))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_available() -> bool:
    """Return whether Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def render(dot_source: str, fmt: str) -> bytes:
    """Render DOT to ``svg`` or ``png`` with Graphviz (``dot`` returns the source as is).

    Args:
        dot_source: The DOT text.
        fmt: ``svg``, ``png`` or ``dot``.

    Returns:
        The drawing.

    Raises:
        UsageError: If the format is unknown.
        GraphvizMissingError: If ``dot`` is not installed.
        ExportError: If Graphviz fails.

    >>> render("digraph { a }", "dot")
    b'digraph { a }'
    """
    if fmt not in DIAGRAM_FORMATS:
        raise UsageError(f"unknown diagram format {fmt!r} (choose from svg, png, dot)")
    if fmt == "dot":
        return dot_source.encode("utf-8")
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissingError(
            "drawing needs Graphviz's dot program, which is not installed: "
            "apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS), "
            "or write DOT with -o FILE.dot"
        )
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExportError("Graphviz took longer than 60 s to draw the diagram") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise ExportError(f"Graphviz failed: {message}")
    return done.stdout


def diagram(
    kg: KnowledgeGraph, entity: str | None = None, depth: int = 1, fmt: str = "svg"
) -> bytes:
    """Draw the ontology (no ``entity``) or an entity's neighbourhood.

    Args:
        kg: The knowledge graph.
        entity: An IRI, prefixed name or label; None draws the ontology.
        depth: Links away from the entity to include.
        fmt: ``svg``, ``png`` or ``dot``.

    Returns:
        The drawing.

    Raises:
        TermError: If the entity cannot be resolved.
        GraphvizMissingError, ExportError, UsageError: See :func:`render`.

    >>> from rdflib import Dataset
    >>> diagram(KnowledgeGraph.from_dataset(Dataset()), fmt="dot").startswith(b"digraph")
    True
    """
    if entity is None:
        return render(ontology_dot(kg.ontology), fmt)
    union = kg.store.union()
    iri = resolve_entity(union, entity)
    if (iri, None, None) not in union and (None, None, iri) not in union:
        raise UsageError(f"{shorten(_SHOW, iri)} is not in the graph")
    return render(neighbourhood_dot(union, iri, depth), fmt)
