"""Talk to a remote SPARQL 1.1 endpoint: run queries there, and push the graph to it.

Queries use the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/): an HTML-form
``POST`` of ``query=``; results come back as SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT,
DESCRIBE) and are turned into the same rdflib ``Result`` a local query gives, so rendering is
shared. Pushing uses the Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/):
one ``PUT`` per graph, so pushing twice leaves the same data (idempotent), and a retried ``PUT``
is safe. Every request goes through :class:`kgtool.remote.http.HttpClient` (User-Agent, timeout,
retries, 429), so any endpoint works: Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever.
"""

from __future__ import annotations

import io
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.term import Node

from kgtool.core.errors import QueryRunError
from kgtool.core.namespaces import GRAPH_INFERRED, PREFIXES
from kgtool.graph import KnowledgeGraph
from kgtool.io.sparql_text import inline_bindings
from kgtool.query.catalog import NamedQuery
from kgtool.query.run import QueryOutcome, run_query
from kgtool.remote.http import HttpClient

_FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def with_prefixes(text: str) -> str:
    """Prepend the project prefixes the query does not declare itself (endpoints lack them).

    >>> with_prefixes("PREFIX kg: <urn:kg:> ASK {}").count("PREFIX kg:")
    1
    """
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", text, re.IGNORECASE)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p.lower() not in declared]
    return "\n".join([*lines, text])


def query_endpoint(
    endpoint: str,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    timeout: float = 60.0,
) -> Result:
    """Run a query on a SPARQL 1.1 endpoint and return it as an rdflib ``Result``.

    Args:
        endpoint: The query URL (Oxigraph: ``http://host:7878/query``).
        text: The query; the project prefixes are added when it does not declare them.
        bindings: Values for variables, sent as a ``VALUES`` row in the WHERE group.
        timeout: Seconds to wait for the answer (a 429, a 5xx or a timeout is tried again, as
            :class:`kgtool.remote.http.HttpClient` does).

    Returns:
        The result, rows already parsed.

    Raises:
        EndpointError: If the endpoint cannot be reached or answers with an HTTP error.
        QueryRunError: If the answer cannot be parsed.
    """
    body = inline_bindings(with_prefixes(text), dict(bindings or {}))
    form = _FORM_RE.search(re.sub(r"(?m)#.*$", "", body))
    graph_form = form is not None and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples" if graph_form else "application/sparql-results+json"
    answer = HttpClient(timeout=timeout).send(
        endpoint,
        data=urllib.parse.urlencode({"query": body}).encode("utf-8"),
        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    data, content_type = answer.body, answer.content_type
    try:
        if graph_form:
            result = Result("CONSTRUCT")
            result.graph = Graph().parse(data=data.decode("utf-8"), format="nt")
            return result
        return Result.parse(io.BytesIO(data), format="json")
    except Exception as exc:  # every rdflib parser raises its own family of exceptions
        raise QueryRunError(
            f"{endpoint}: could not read the answer ({content_type}): {exc}"
        ) from exc


@dataclass
class PushSummary:
    """What :func:`push` sent."""

    graphs: int
    triples: int
    endpoint: str


def push(
    kg: KnowledgeGraph,
    endpoint: str,
    graph: URIRef | None = None,
    reasoned: bool = False,
    timeout: float = 300.0,
    progress: Callable[[int], None] | None = None,
) -> PushSummary:
    """Upload the data to a Graph Store Protocol endpoint, one ``PUT`` per graph.

    Args:
        kg: The loaded knowledge graph (reason it first for ``reasoned``).
        endpoint: The graph store URL (Oxigraph: ``http://host:7878/store``).
        graph: Put everything into this one graph; None keeps the named graphs.
        reasoned: Also send the inferred triples (as ``GRAPH_INFERRED``, or into ``graph``).
        timeout: Seconds to wait for each request.
        progress: Called with the number of triples after each graph is sent.

    Returns:
        How many graphs and triples were sent.

    Raises:
        EndpointError: If the endpoint cannot be reached or refuses a graph.
    """
    if graph is not None:
        parts: list[tuple[URIRef | None, Graph]] = [(graph, kg.store.union(reasoned))]
    else:
        parts = [(None, kg.store.named_graph(DATASET_DEFAULT_GRAPH_ID))]
        parts += [(name, kg.store.named_graph(name)) for name in kg.store.graph_names()]
        inferred = kg.store.inferred()
        if reasoned and inferred is not None:
            parts.append((GRAPH_INFERRED, inferred))
    client = HttpClient(timeout=timeout)
    sent_graphs = sent_triples = 0
    for name, triples in parts:
        if name is None and not len(triples):
            continue
        target = endpoint + ("&" if "?" in endpoint else "?")
        target += "default" if name is None else urllib.parse.urlencode({"graph": str(name)})
        body = triples.serialize(format="nt", encoding="utf-8")
        headers = {"Content-Type": "application/n-triples"}
        client.send(target, data=body, headers=headers, method="PUT")
        sent_graphs += 1
        sent_triples += len(triples)
        if progress is not None:
            progress(len(triples))
    return PushSummary(graphs=sent_graphs, triples=sent_triples, endpoint=endpoint)


def total_triples(kg: KnowledgeGraph, reasoned: bool) -> int:
    """Return how many triples :func:`push` will send (for a progress bar's total)."""
    inferred = kg.store.inferred()
    extra = len(inferred) if reasoned and inferred is not None else 0
    return (
        sum(len(kg.store.named_graph(n)) for n in kg.store.graph_names())
        + extra
        + len(kg.store.named_graph(DATASET_DEFAULT_GRAPH_ID))
    )


#: The label triples reading a given text, wherever the endpoint keeps them.
_LABELS = """CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?p { rdfs:label skos:altLabel skos:prefLabel }
  { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }
  FILTER(isIRI(?s) && STR(?o) = ?text)
}"""


def endpoint_labels(endpoint: str, timeout: float = 60.0) -> Callable[[str], Graph]:
    """Return a label lookup that asks the endpoint, for ``entity`` parameters given as labels.

    The text is bound as a literal (a ``VALUES`` row), never pasted into the query.
    """

    def lookup(text: str) -> Graph:
        result = query_endpoint(endpoint, _LABELS, {"text": Literal(text)}, timeout)
        graph = Graph()
        for triple in result.graph or ():
            graph.add(triple)
        return graph

    return lookup


def run_remote_query(
    endpoint: str,
    query: str,
    params: dict[str, str] | None = None,
    allow_service: bool = False,
    queries_dir: Path | None = None,
    timeout: float = 60.0,
) -> QueryOutcome:
    """Run a bundled, file or ad-hoc query on an endpoint, through the one query runner.

    The query is checked as a local one is (read-only, no ``SERVICE`` unless allowed); its
    ``FROM`` / ``FROM NAMED`` are the endpoint's to read; ``entity`` parameters given as labels
    are looked up in the endpoint's data.

    Raises:
        UnknownQueryError, QuerySyntaxError, ParameterError, UsageError: Exit code 2.
        EndpointError: If the endpoint is down or refuses the request (exit code 2).
        QueryRunError: If its answer cannot be read (exit code 1).
    """

    def evaluate(named: NamedQuery, _prepared: Any, bindings: dict[str, Node]) -> Result:
        return query_endpoint(endpoint, named.text, bindings, timeout)

    return run_query(
        None,
        query,
        params,
        allow_service=allow_service,
        queries_dir=queries_dir,
        evaluate=evaluate,
        labels=endpoint_labels(endpoint, timeout),
    )
