"""SHACL fixtures (style guide §19): valid data conforms; each invalid file fails on its shape.

``tests/data/invalid/<Shape>-<defect>.ttl`` (or ``.trig``) must produce a Violation whose source
shape is ``shape:<Shape>`` and no result from any other shape, so every fixture proves one
constraint and nothing else. The shape's name is the longest prefix of the file name that names a
shape. A mutation test then breaks every cardinality, datatype and class constraint of the
shapes on the shipped graph and checks that the shape responsible reports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from kgtool.core import paths
from kgtool.core.namespaces import SHAPE
from kgtool.graph import KnowledgeGraph
from kgtool.validate.engine import validate

DATA = Path(__file__).parents[1] / "data"
INVALID = sorted((DATA / "invalid").glob("*.t*"))
VALID = sorted((DATA / "valid").glob("*.t*"))
SHAPES = Graph().parse(paths.shapes_file())
SHAPE_NAMES = sorted(
    (
        str(s)[len(str(SHAPE)) :]
        for s in SHAPES.subjects(RDF.type, None)
        if str(s).startswith(str(SHAPE))
    ),
    key=len,
    reverse=True,
)


def shape_of(path: Path) -> str:
    for name in SHAPE_NAMES:
        if path.stem.startswith(name + "-"):
            return name
    raise AssertionError(f"{path.name} names no shape")


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_conforms(path: Path) -> None:
    report = validate(KnowledgeGraph.load(data=[path]))
    assert report.conforms, report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_fails_on_its_shape(path: Path) -> None:
    report = validate(KnowledgeGraph.load(data=[path]))
    shapes = {r.source_shape for r in report.results}
    assert shapes == {f"shape:{shape_of(path)}"}, report.to_text()
    assert all(r.severity == "Violation" for r in report.results)


def test_every_sparql_constraint_has_a_fixture() -> None:
    with_sparql = {str(s)[len(str(SHAPE)) :] for s in SHAPES.subjects(SH.sparql, None)}
    assert with_sparql <= {shape_of(p) for p in INVALID}


# --- mutations over the shipped graph -----------------------------------------------------


def _graph(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def _mutations(kg: KnowledgeGraph) -> list[tuple[str, str, Graph, Graph, str]]:
    """Yield (shape, kind, triples to remove, triples to add, node shape) per node shape using it.

    A property shape is shared by every node shape that needs it (``shape:label``), so each
    mutation names the node shape whose focus node it breaks.
    """
    data = kg.store.union()
    found = []
    for node_shape in sorted(SHAPES.subjects(RDF.type, SH.NodeShape)):
        target = SHAPES.value(node_shape, SH.targetClass)
        if target is None:
            continue
        focus_nodes = sorted(s for s in data.subjects(RDF.type, target) if isinstance(s, URIRef))
        for prop in sorted(SHAPES.objects(node_shape, SH.property)):
            path = SHAPES.value(prop, SH.path)
            if SHAPES.value(prop, SH.severity) != SH.Violation or not isinstance(path, URIRef):
                continue
            with_value = [f for f in focus_nodes if (f, path, None) in data]
            minimum = SHAPES.value(prop, SH.minCount)
            maximum = SHAPES.value(prop, SH.maxCount)
            datatype = SHAPES.value(prop, SH.datatype)
            cls = SHAPES.value(prop, SH["class"])
            name = str(prop)[len(str(SHAPE)) :]
            node = str(node_shape)[len(str(SHAPE)) :]
            if minimum is not None and int(minimum) >= 1 and with_value:
                focus = with_value[0]
                found.append(
                    (
                        name,
                        "minCount",
                        _graph((focus, path, o) for o in data.objects(focus, path)),
                        Graph(),
                        node,
                    )
                )
            if maximum is not None and with_value:
                focus = with_value[0]
                extra = Graph()
                for i in range(int(maximum) + 1 - len(list(data.objects(focus, path)))):
                    sample = next(data.objects(focus, path))
                    value = (
                        Literal(f"extra {i}", lang=sample.language, datatype=sample.datatype)
                        if isinstance(sample, Literal)
                        else URIRef(f"{sample}-extra-{i}")
                    )
                    extra.add((focus, path, value))
                    if cls is not None:
                        extra.add((value, RDF.type, cls))
                found.append((name, "maxCount", Graph(), extra, node))
            if datatype is not None and with_value:
                focus = with_value[0]
                wrong = Literal("not-a-value", datatype=XSD.anyURI)
                found.append((name, "datatype", Graph(), _graph([(focus, path, wrong)]), node))
            if cls is not None and with_value and maximum is None:
                focus = with_value[0]
                found.append((name, "class", Graph(), _graph([(focus, path, BNode())]), node))
    return found


_KG = None


def _bundled() -> KnowledgeGraph:
    global _KG
    if _KG is None:
        _KG = KnowledgeGraph.load()
    return _KG


MUTATIONS = _mutations(_bundled())


def test_the_mutations_cover_the_shapes() -> None:
    assert len({m[0] for m in MUTATIONS}) >= 60


@pytest.mark.parametrize(
    ("shape", "kind", "remove", "add", "node"),
    MUTATIONS,
    ids=[f"{m[4]}-{m[0]}-{m[1]}" for m in MUTATIONS],
)
def test_breaking_a_constraint_is_reported_by_its_shape(
    shape: str, kind: str, remove: Graph, add: Graph, node: str
) -> None:
    from rdflib import Dataset

    source = _bundled()
    ds = Dataset(default_union=True)
    for s, p, o, g in source.store.dataset().quads((None, None, None, None)):
        if (s, p, o) in remove:
            continue
        ds.graph(g.identifier if isinstance(g, Graph) else g).add((s, p, o))
    for triple in add:
        ds.graph(URIRef("https://w3id.org/eleutherai-kg/source/lead-1")).add(triple)
    # Only the node shape under test, to keep each run quick; the full shapes run elsewhere.
    node_shape = SHAPE[node]
    subset = Graph()
    for triple in SHAPES.triples((node_shape, None, None)):
        if triple[1] != SH.property or triple[2] == SHAPE[shape]:
            subset.add(triple)
    for triple in SHAPES.triples((SHAPE[shape], None, None)):
        subset.add(triple)
        if isinstance(triple[2], BNode):  # sh:or lists
            for t in SHAPES.triples((triple[2], None, None)):
                subset.add(t)
    _copy_lists(SHAPES, subset)
    kg = KnowledgeGraph.from_dataset(ds, ontology=source.ontology, shapes=subset)
    report = validate(kg)
    assert f"shape:{shape}" in {r.source_shape for r in report.results}, f"{kind} not reported"


def _copy_lists(source: Graph, target: Graph) -> None:
    changed = True
    while changed:
        changed = False
        for _s, _p, o in list(target):
            if isinstance(o, BNode):
                for t in source.triples((o, None, None)):
                    if t not in target:
                        target.add(t)
                        changed = True
