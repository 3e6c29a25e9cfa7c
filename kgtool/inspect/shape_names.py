"""Readable, deterministic names for shapes that have none (blank nodes) in a SHACL report.

The project's own property shapes have IRIs, but a user's shapes are often written as
``sh:property [ sh:path ex:age ; sh:datatype xsd:integer ]``. pySHACL reports such a shape by
its blank node label (``_:n79dea…``), which changes on every run and says nothing. This module
names it by what it is: the node shape that holds it, its path, and the constraint that failed,
``ex:PersonShape [sh:path ex:age] sh:datatype``.
"""

from __future__ import annotations

from dataclasses import replace

from rdflib import BNode, Graph
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kgtool.validate.engine import SEVERITIES, ValidationReport, ValidationResult

#: Targets that name a node shape without an IRI, in the order they are tried.
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _term(shapes: Graph, node: Node) -> str:
    try:
        return node.n3(shapes.namespace_manager)
    except Exception:  # rdflib cannot write every term with prefixes
        return str(node)


def path_text(shapes: Graph, path: Node) -> str:
    """Write a SHACL property path as SPARQL writes it (``ex:a/ex:b``, ``^ex:p``, ``(a|b)``).

    >>> from rdflib import Namespace
    >>> EX = Namespace("http://example.org/")
    >>> g = Graph()
    >>> g.bind("ex", EX)
    >>> path_text(g, EX.age)
    'ex:age'
    """
    if not isinstance(path, BNode):
        return _term(shapes, path)
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(shapes, inverse)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        items = [path_text(shapes, p) for p in Collection(shapes, alternatives)]
        return "(" + "|".join(items) + ")"
    for predicate, mark in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return path_text(shapes, inner) + mark
    if shapes.value(path, RDF.first) is not None:
        return "/".join(path_text(shapes, p) for p in Collection(shapes, path))
    return "[a path]"


def _constraint(component: str) -> str:
    """``sh:DatatypeConstraintComponent`` → ``sh:datatype``.

    >>> _constraint("sh:MinCountConstraintComponent")
    'sh:minCount'
    """
    prefix, _, local = component.rpartition(":")
    local = local.removesuffix("ConstraintComponent")
    if not local:
        return component
    return f"{prefix}:{local[0].lower()}{local[1:]}" if prefix else local


def shape_name(shapes: Graph, shape: Node, component: str = "") -> str:
    """Name a shape: its IRI, or for a blank node its owner, path, targets and constraint.

    Args:
        shapes: The shapes graph the shape is in.
        shape: The shape node.
        component: The result's constraint component as shown (``sh:DatatypeConstraintComponent``).

    >>> from rdflib import Namespace
    >>> EX = Namespace("http://example.org/")
    >>> g = Graph()
    >>> g.bind("ex", EX)
    >>> prop = BNode()
    >>> _ = g.add((EX.PersonShape, SH.property, prop))
    >>> _ = g.add((prop, SH.path, EX.age))
    >>> shape_name(g, prop, "sh:DatatypeConstraintComponent")
    'ex:PersonShape [sh:path ex:age] sh:datatype'
    """
    if not isinstance(shape, BNode):
        return _term(shapes, shape)
    parts = []
    owner = shapes.value(None, SH.property, shape) or shapes.value(None, SH.node, shape)
    if owner is not None:
        parts.append(shape_name(shapes, owner))
    path = shapes.value(shape, SH.path)
    if path is not None:
        parts.append(f"[sh:path {path_text(shapes, path)}]")
    else:
        targets = sorted(
            f"{_term(shapes, t)} {_term(shapes, o)}"
            for t in _TARGETS
            for o in shapes.objects(shape, t)
        )
        parts.append(f"[{' ; '.join(targets)}]" if targets else "[a shape without a name]")
    if component:
        parts.append(_constraint(component))
    return " ".join(parts)


def name_blank_shapes(report: ValidationReport, shapes: Graph) -> ValidationReport:
    """Return the report with blank-node shapes named by :func:`shape_name`, and blank-node
    paths written out by :func:`path_text`.

    Results whose shape has an IRI, or whose blank node is not in ``shapes``, are unchanged.
    """
    named: list[ValidationResult] = []
    for result in report.results:
        label, path = result.source_shape, result.path
        node = _blank_in(shapes, label)
        if node is not None:
            label = shape_name(shapes, node, result.constraint_component)
        path_node = _blank_in(shapes, path)
        if path_node is not None:
            path = path_text(shapes, path_node)
        named.append(replace(result, source_shape=label, path=path))
    # Sorted again as the engine sorts, now that no blank node label decides the order.
    order = {s: i for i, s in enumerate(SEVERITIES)}
    named.sort(key=lambda r: (order.get(r.severity, len(order)), r))
    return replace(report, results=named)


def _blank_in(shapes: Graph, shown: str) -> BNode | None:
    """The blank node a report shows as ``_:label``, when the shapes graph has it."""
    if not shown.startswith("_:"):
        return None
    node = BNode(shown[2:])
    if (node, None, None) in shapes or (None, None, node) in shapes:
        return node
    return None


__all__ = ["name_blank_shapes", "path_text", "shape_name"]
