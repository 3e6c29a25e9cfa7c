"""Validate the data against the SHACL shapes with pySHACL.

See https://www.w3.org/TR/shacl/ for the report vocabulary. pySHACL is handed the *dataset*, with
its default graph as the union of the named graphs: core constraints see every triple, whichever
sentence graph holds it, and SHACL-SPARQL constraints can still ask ``GRAPH ?g`` where a fact comes
from (``shape:AssertedFactSourceShape`` does). Pre-inference is kgtool's own reasoner, whose output
lands in ``GRAPH_INFERRED``, so the shapes can tell inferred triples from asserted ones.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field
from typing import Any
from typing import Literal as TypingLiteral

from pyparsing import ParseException
from rdflib import Dataset, Graph
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node, URIRef

from kgtool.core.choices import INFERENCE_CHOICES
from kgtool.core.choices import VALIDATION_ENGINES as ENGINES
from kgtool.core.errors import InputError, UsageError
from kgtool.core.namespaces import GRAPH_INFERRED, WD, bind_prefixes
from kgtool.core.patches import (
    MEMORY_CONTEXTS,
    SHAPE_VALIDATE,
    SPARQL_PREFIXES,
    lazy_memory_contexts,
)
from kgtool.graph import KnowledgeGraph
from kgtool.store.base import STORES, Store

Inference = TypingLiteral["none", "rdfs", "owlrl"]
#: ``auto`` uses the fast engine from this many data triples up.
AUTO_FAST_THRESHOLD = 1000
#: Severities, most severe first.
SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One ``sh:ValidationResult``, with terms as display strings (prefixed names)."""

    severity: str
    source_shape: str
    focus_node: str
    path: str
    value: str
    constraint_component: str
    message: str


@dataclass
class ValidationReport:
    """What pySHACL said, in a form the CLI can render.

    Attributes:
        conforms: True when there are no results of any severity.
        results: Every result, sorted by severity, shape, focus node, path and value.
        graph: The SHACL report graph as pySHACL produced it.
    """

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

    def counts(self) -> dict[str, int]:
        """Return the number of results per severity (every severity present, zero or not).

        >>> ValidationReport(conforms=True).counts()
        {'Violation': 0, 'Warning': 0, 'Info': 0}
        """
        found = Counter(r.severity for r in self.results)
        return {s: found.get(s, 0) for s in SEVERITIES}

    def fails(self, fail_on: str = "violation") -> bool:
        """Return whether any result is at least as severe as ``fail_on``.

        Args:
            fail_on: ``violation``, ``warning`` or ``info``.

        Returns:
            True if the report should fail the run.

        >>> ValidationReport(conforms=True).fails()
        False
        """
        threshold = [s.lower() for s in SEVERITIES].index(fail_on.lower())
        counts = self.counts()
        return any(counts[s] for s in SEVERITIES[: threshold + 1])

    def to_text(self) -> str:
        """Render for a person: results grouped by source shape, then a summary line."""
        lines: list[str] = []
        by_shape: dict[str, list[ValidationResult]] = {}
        for r in self.results:
            by_shape.setdefault(r.source_shape, []).append(r)
        for shape in sorted(by_shape):
            lines.append(f"{shape}")
            for r in sorted(by_shape[shape]):
                where = r.focus_node + (f" {r.path}" if r.path else "")
                value = f" = {r.value}" if r.value else ""
                lines.append(f"  {r.severity}: {where}{value}")
                lines.append(f"    {r.message}  [{r.constraint_component}]")
        counts = self.counts()
        summary = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items())
        lines.append(("Conforms" if self.conforms else "Does not conform") + f": {summary}.")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """Render as a JSON object with ``conforms``, ``counts`` and ``results``."""
        doc = {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [asdict(r) for r in self.results],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """Render the SHACL report graph as Turtle."""
        return bind_prefixes(self.graph).serialize(format="turtle")


def _show(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    try:
        return node.n3(graph.namespace_manager)
    except Exception:  # rdflib cannot always write paths made of blank nodes
        return str(node)


def _report_from_graph(conforms: bool, report: Graph) -> ValidationReport:
    bind_prefixes(report)
    results: list[ValidationResult] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        severity_name = str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        results.append(
            ValidationResult(
                severity=severity_name,
                source_shape=_show(report, report.value(result, SH.sourceShape)),
                focus_node=_show(report, report.value(result, SH.focusNode)),
                path=_show(report, report.value(result, SH.resultPath)),
                value=_show(report, report.value(result, SH.value)),
                constraint_component=_show(
                    report, report.value(result, SH.sourceConstraintComponent)
                ),
                message="; ".join(messages),
            )
        )
    order = {s: i for i, s in enumerate(SEVERITIES)}
    results.sort(key=lambda r: (order.get(r.severity, 9), r))
    return ValidationReport(conforms=conforms, results=results, graph=report)


def _with_inferred(kg: KnowledgeGraph) -> Dataset:
    """Return the asserted dataset plus the inferred graph, less what owl:sameAs copies.

    SHACL counts nodes, not individuals: after owl:sameAs reasoning every fact about
    ``id:Google`` is also a fact about ``wd:Q95``, so "one supporter" would count two. The copies
    that owl:sameAs makes onto Wikidata items say nothing new, so validation leaves them out.
    """
    view = kg.store.dataset(reasoned=True)
    out = Dataset(default_union=True)
    wikidata = str(WD)
    for s, p, o, g in view.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name == GRAPH_INFERRED and (
            str(s).startswith(wikidata) or (str(o).startswith(wikidata) and p != OWL.sameAs)
        ):
            continue
        out.graph(name).add((s, p, o))
    return out


def validate(
    kg: KnowledgeGraph,
    inference: str = "none",
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Validate the union of the asserted graphs against the shapes.

    Args:
        kg: The loaded knowledge graph.
        inference: ``none``, ``rdfs`` or ``owlrl``: what pySHACL infers (on its own copy) first.
        engine: ``pyshacl``; ``fast``, which runs each SHACL-SPARQL constraint once over the
            whole graph (:mod:`kgtool.validate.fast`) for the same report; or ``auto``: fast
            from :data:`AUTO_FAST_THRESHOLD` triples up.
        progress: Called as ``progress(shapes_done, shapes_total)`` as pySHACL finishes each
            shape it validates on its own (shapes reached through others count with them).

    Returns:
        The report; ``conforms`` is False if any result was found.

    Raises:
        InputError: If ``inference`` or ``engine`` is not one of the choices.

    >>> from rdflib import Dataset
    >>> validate(KnowledgeGraph.from_dataset(Dataset())).conforms
    True
    """
    if inference not in INFERENCE_CHOICES:
        raise InputError(f"unknown inference {inference!r} (choose from {INFERENCE_CHOICES})")
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r} (choose from {ENGINES})")
    if inference != "none":
        # Imported here: reasoning pulls in owlrl, which plain validation does not need.
        from kgtool.reason.engine import reason

        reason(kg, profile=inference)
    # Imported here: pySHACL costs ~0.3 s of imports that the query path should not pay.
    from pyshacl import validate as shacl_validate
    from pyshacl.errors import ReportableRuntimeError

    data = kg.store.dataset(reasoned=False)
    # The store itself answers the whole-graph runs over its own asserted view (a copy of it
    # into a fresh store took 1.5 s at 100 k triples).
    answering = kg.store if kg.store.queries_dataset_terms() else None
    if inference != "none":
        data = _with_inferred(kg)
        answering = None
    # The fast engine runs the SPARQL constraints in the Oxigraph store; auto does without it.
    oxigraph = STORES["oxigraph"]
    has_oxigraph = oxigraph.available()
    if engine == "fast" and not has_oxigraph:
        raise UsageError(
            f"--engine fast needs {oxigraph.requires}: pip install {oxigraph.requires}"
        )
    fast = engine == "fast" or (
        engine == "auto" and has_oxigraph and len(data) >= AUTO_FAST_THRESHOLD
    )
    try:
        with (
            _sparql_mode(data, fast, answering),
            _shape_progress(kg.shapes, progress),
            _imported_prefixes(),
            MEMORY_CONTEXTS.applied(lazy_memory_contexts),
        ):
            conforms, report_graph, _text = shacl_validate(
                data,
                shacl_graph=kg.shapes,
                inference="none",
                advanced=True,
                abort_on_first=False,
                # In advanced mode pySHACL copies the data graph first (2 s at 100 k triples)
                # so that SHACL rules cannot change it; shapes without a rule change nothing.
                inplace=(None, SH.rule, None) not in kg.shapes,
            )
    except (ReportableRuntimeError, ParseException) as exc:
        # pySHACL reports broken shapes (a bad sh:path, a SPARQL constraint that does not parse)
        # this way: an input error in shapes.ttl, not a finding about the data.
        raise InputError(f"the shapes cannot be used: {exc}") from exc
    assert isinstance(report_graph, Graph)
    return _report_from_graph(bool(conforms), report_graph)


#: pySHACL's Shape.validate is wrapped process-wide while progress is reported.


@contextlib.contextmanager
def _shape_progress(shapes: Graph, progress: Callable[[int, int], None] | None) -> Iterator[None]:
    """Report each shape pySHACL validates from the top (nested evaluations are part of it)."""
    if progress is None:
        yield
        return
    from pyshacl.shapes_graph import ShapesGraph

    # pySHACL's own harvest, so the total is the number of shapes its loop goes through
    # (242 for the bundled shapes, ~10 ms).
    total = len(ShapesGraph(shapes).shapes)
    if not SHAPE_VALIDATE.usable():
        yield  # the progress display then shows the time spent
        return
    original = SHAPE_VALIDATE.current()
    done = 0

    def validate_shape(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal done
        try:
            return original(self, *args, **kwargs)
        finally:
            # pySHACL's top-level loop passes no evaluation path; nested evaluations do.
            if kwargs.get("_evaluation_path") is None and len(args) < 4:
                done += 1
                progress(done, max(total, done))

    with SHAPE_VALIDATE.applied(validate_shape):
        yield


def _imported_prefixes() -> AbstractContextManager[bool]:
    """Give SHACL-SPARQL queries the prefixes of ``sh:prefixes/owl:imports*/sh:declare``.

    pySHACL reads only the ``sh:declare`` of the ``sh:prefixes`` node itself (SHACL section
    5.2.1 follows ``owl:imports`` too), and then leans on the data graph's own bindings, which
    here are the project prefixes alone. Declarations of the node itself win over imported ones.
    """
    if not SPARQL_PREFIXES.usable():
        return nullcontext(False)
    original = SPARQL_PREFIXES.current()

    def collect_prefixes(self: Any) -> None:
        original(self)
        shapes = self.shape.sg.graph
        for start in sorted(shapes.objects(self.node, SH.prefixes)):
            seen = {start}
            todo = sorted(shapes.objects(start, OWL.imports))
            while todo:
                ontology = todo.pop(0)
                if ontology in seen:
                    continue
                seen.add(ontology)
                todo.extend(sorted(shapes.objects(ontology, OWL.imports)))
                for declaration in sorted(shapes.objects(ontology, SH.declare)):
                    prefixes = list(shapes.objects(declaration, SH.prefix))
                    namespaces = list(shapes.objects(declaration, SH.namespace))
                    if len(prefixes) == 1 and len(namespaces) == 1:
                        self.prefixes.setdefault(str(prefixes[0]), URIRef(str(namespaces[0])))

    return SPARQL_PREFIXES.applied(collect_prefixes)


def _sparql_mode(data: Dataset, fast: bool, store: Store | None) -> AbstractContextManager[None]:
    """Whole-graph SPARQL constraints when ``fast`` (run in ``store`` if it can answer for
    ``data``, else in a copy), else pySHACL's own per-node runs."""
    if not fast:
        return nullcontext()
    from kgtool.validate.fast import whole_graph_sparql

    return whole_graph_sparql(data, store)


def idle_shapes(kg: KnowledgeGraph) -> list[str]:
    """Return the node shapes whose targets select nothing in the data (sorted, prefixed).

    A shape that targets nothing checks nothing: usually a typo in a class name, or a class the
    data stopped using. ``kgtool validate`` warns about them.

    Args:
        kg: The knowledge graph.

    Returns:
        The idle shapes.

    >>> from rdflib import Dataset
    >>> idle_shapes(KnowledgeGraph.from_dataset(Dataset()))
    []
    """
    # The view validation reads, which the store keeps: no second copy of the graph.
    data = kg.store.dataset(reasoned=False)
    shapes = kg.shapes
    idle: list[str] = []
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        selected = False
        targeted = False
        for cls in shapes.objects(shape, SH.targetClass):
            targeted = True
            subclasses = set(data.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
            selected |= any(next(data.subjects(RDF.type, c), None) is not None for c in subclasses)
        for _node in shapes.objects(shape, SH.targetNode):
            # A target node is a focus node whether or not the data mentions it (SHACL 2.1.3.1).
            targeted = selected = True
        for predicate in shapes.objects(shape, SH.targetSubjectsOf):
            targeted = True
            selected |= (None, predicate, None) in data
        for predicate in shapes.objects(shape, SH.targetObjectsOf):
            targeted = True
            selected |= (None, predicate, None) in data
        if targeted and not selected:
            idle.append(_show(shapes, shape))
    return sorted(idle)
