"""Serialize graphs and datasets deterministically."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import UNDEF, Context
from rdflib.term import BNode, IdentifiedNode

from kgtool.core.errors import ExportError, UsageError
from kgtool.core.namespaces import GRAPH_INFERRED, KG, PREFIXES, bind_prefixes
from kgtool.core.terms import Triple
from kgtool.io.canonical import canonical_trig
from kgtool.io.formats import RDF_FORMAT_NAMES, RDF_FORMATS
from kgtool.io.turtle import TURTLE

#: kgtool's format names → rdflib's serializer names.
SERIALIZERS: dict[str, str] = {n: f.rdflib for f in RDF_FORMATS for n in f.names}
QUAD_SERIALIZERS = frozenset(n for f in RDF_FORMATS if f.quads for n in f.names)


def _sorted_triples(triples: Iterable[Triple]) -> list[Triple]:
    return sorted(triples, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


def canonical_graph(graph: Graph, identifier: IdentifiedNode | None = None) -> Graph:
    """Return a copy of ``graph`` with canonical blank nodes, triples added in sorted order.

    Args:
        graph: The graph to copy.
        identifier: The copy's name (default: the original's).

    Returns:
        A new graph with the project prefixes bound.

    >>> len(canonical_graph(Graph()))
    0
    """
    source: Graph = graph
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        source = to_canonical_graph(graph)
    copy = bind_prefixes(Graph(identifier=identifier or graph.identifier))
    for triple in _sorted_triples(source):
        copy.add(triple)
    return copy


def build_context(ontology: Graph) -> dict[str, Any]:
    """Build the JSON-LD context of the project from an ontology graph.

    Every class and property in the ``kg:`` namespace becomes a term named by its local name;
    object properties coerce their values to IRIs, datatype properties with a single XSD range
    to that datatype. The project prefixes are included too.

    Args:
        ontology: The ontology.

    Returns:
        A JSON object ``{"@context": {...}}`` with sorted keys.

    >>> g = Graph().parse(data='''@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .
    ... @prefix owl: <http://www.w3.org/2002/07/owl#> .
    ... kg:founder a owl:ObjectProperty .''', format="turtle")
    >>> build_context(g)["@context"]["founder"]
    {'@id': 'kg:founder', '@type': '@id'}
    """
    context: dict[str, Any] = dict(PREFIXES)
    terms: dict[str, Any] = {}
    kinds = (
        OWL.Class,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
    )
    for kind in kinds:
        for term in ontology.subjects(RDF.type, kind):
            if not isinstance(term, URIRef) or not str(term).startswith(str(KG)):
                continue
            local = str(term)[len(str(KG)) :]
            if not local or local in PREFIXES:
                continue
            compact = f"kg:{local}"
            definition: Any = compact
            if (term, RDF.type, OWL.ObjectProperty) in ontology:
                definition = {"@id": compact, "@type": "@id"}
            elif (term, RDF.type, OWL.DatatypeProperty) in ontology:
                ranges = [r for r in ontology.objects(term, RDFS.range) if isinstance(r, URIRef)]
                if (
                    len(ranges) == 1
                    and str(ranges[0]).startswith(str(XSD))
                    and ranges[0] != XSD.string
                ):
                    definition = {"@id": compact, "@type": f"xsd:{str(ranges[0])[len(str(XSD)) :]}"}
            terms[local] = definition
    # Names and links every entity has, so that they read plainly too ("label": "GPT-J-6B").
    terms.setdefault("label", {"@id": "rdfs:label", "@language": "en"})
    terms.setdefault("altLabel", {"@id": "skos:altLabel", "@language": "en"})
    terms.setdefault("sameAs", {"@id": "owl:sameAs", "@type": "@id"})
    context.update(terms)
    return {"@context": dict(sorted(context.items()))}


def context_json(ontology: Graph) -> str:
    """Return the context of :func:`build_context` as the text of ``ontology/context.jsonld``."""
    return json.dumps(build_context(ontology), indent=2, ensure_ascii=False) + "\n"


class _SortedNode(dict[str, Any]):
    """A node object already in :func:`_sort_json`'s form (keys sorted, value arrays sorted)."""


def _sort_json(node: Any) -> Any:
    """Sort node arrays by ``@id`` and value arrays by content (``@list`` order is kept)."""
    if type(node) is _SortedNode:
        return node
    if isinstance(node, dict):
        return {k: (v if k == "@list" else _sort_json(v)) for k, v in sorted(node.items())}
    if isinstance(node, list):
        return _ordered([_sort_json(i) for i in node])
    return node


_encode_string = json.encoder.encode_basestring  # the C function json.dumps uses, when built
_INFINITY = float("inf")


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return _encode_string(key)
    if isinstance(key, float):
        return _encode_string(_float_text(key))
    if key is True or key is False or key is None:
        return {True: '"true"', False: '"false"', None: '"null"'}[key]
    if isinstance(key, int):
        return _encode_string(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _scalar_text(value: Any) -> str | None:
    """The JSON text of a string, number, boolean or null, in the order json's encoder tests."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float_text(value)
    return None


def _flat_text(value: dict[Any, Any], newline: str, keys: dict[Any, str]) -> str | None:
    """The text of a non-empty dict of strings to strings (most JSON-LD values), else None."""
    if not value:
        return None
    inner = newline + "  "
    parts = []
    for key, item in value.items():
        if type(key) is not str or type(item) is not str:
            return None
        key_text = keys.get(key)
        if key_text is None:
            key_text = keys[key] = _encode_string(key)
        parts.append(key_text + ": " + _encode_string(item))
    return "{" + inner + ("," + inner).join(parts) + newline + "}"


def _write_json(value: Any, newline: str, out: list[str], keys: dict[Any, str]) -> None:
    scalar = _scalar_text(value)
    if scalar is not None:
        out.append(scalar)
        return
    inner = newline + "  "
    if isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        separator = "[" + inner
        for item in value:
            kind = type(item)
            if kind is str:
                out.append(separator + _encode_string(item))
            else:
                flat = _flat_text(item, inner, keys) if kind is dict else None
                if flat is not None:
                    out.append(separator + flat)
                else:
                    out.append(separator)
                    _write_json(item, inner, out, keys)
            separator = "," + inner
        out.append(newline + "]")
        return
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        separator = "{" + inner
        for key, item in value.items():
            key_text = keys.get(key) if type(key) is str else None
            if key_text is None:
                key_text = _key_text(key)
                if type(key) is str:
                    keys[key] = key_text
            kind = type(item)
            if kind is str:
                out.append(separator + key_text + ": " + _encode_string(item))
            else:
                flat = _flat_text(item, inner, keys) if kind is dict else None
                if flat is not None:
                    out.append(separator + key_text + ": " + flat)
                else:
                    out.append(separator + key_text + ": ")
                    _write_json(item, inner, out, keys)
            separator = "," + inner
        out.append(newline + "}")
        return
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_text(value: Any) -> str:
    """Return ``json.dumps(value, indent=2, ensure_ascii=False)``, the same text, faster.

    An indent makes ``json.dumps`` use its pure-Python encoder, which was a sixth of a JSON-LD
    export's time; this writes the same layout with fewer calls, strings still encoded by the
    C function ``json`` uses. Values are what ``json`` takes without ``default``: dicts, lists,
    tuples, strings, numbers, booleans and None (no check for cycles).

    >>> doc = {"a": [1, 2.5, True, None, {}], "b": {"c": "d\\u00e9"}}
    >>> json_text(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
    True
    """
    out: list[str] = []
    _write_json(value, "\n", out, {})
    return "".join(out)


class TripleIndex:
    """One graph's triples indexed for the lookups rdflib's JSON-LD converter makes, no more.

    The converter reads a graph through ``identifier``, ``subjects``, ``predicate_objects``,
    ``value`` and ``+=``; this answers them from plain dicts, in the order rdflib's memory store
    would (objects grouped by predicate, each in insertion order). Filling an rdflib graph
    instead costs as much as the conversion itself: about half a JSON-LD export's time.

    >>> from rdflib import Literal
    >>> index = TripleIndex(URIRef("urn:g"))
    >>> index.add((URIRef("urn:a"), RDF.first, Literal(1)))
    >>> str(index.value(URIRef("urn:a"), RDF.first)), len(index), index.has_blank_nodes
    ('1', 1, False)
    """

    def __init__(self, identifier: Any) -> None:
        self.identifier = identifier
        self.has_blank_nodes = False
        self._spo: dict[Any, dict[Any, dict[Any, None]]] = {}
        self._subjects_of: dict[Any, dict[Any, None]] = {}
        self._size = 0

    def add(self, triple: Triple) -> None:
        """Add one triple (again: no change)."""
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            return
        objects[o] = None
        self._subjects_of.setdefault(o, {})[s] = None
        self._size += 1
        if isinstance(s, BNode) or isinstance(o, BNode):
            self.has_blank_nodes = True

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Triple]:
        for s, by_predicate in self._spo.items():
            for p, objects in by_predicate.items():
                for o in objects:
                    yield s, p, o

    def __iadd__(self, other: Iterable[Triple]) -> TripleIndex:
        for triple in other:
            self.add(triple)
        return self

    def subjects(self, predicate: Any = None, object: Any = None) -> Iterator[Any]:
        """The subjects, each once; with ``predicate`` and ``object`` as a pattern."""
        if object is None and predicate is None:
            return iter(list(self._spo))
        if object is None:
            return iter([s for s, by_p in self._spo.items() if predicate in by_p])
        return iter(
            [
                s
                for s in self._subjects_of.get(object, {})
                if predicate is None or object in self._spo[s].get(predicate, {})
            ]
        )

    def predicate_objects(self, subject: Any) -> Iterator[tuple[Any, Any]]:
        """The subject's predicate-object pairs."""
        for p, objects in self._spo.get(subject, {}).items():
            for o in objects:
                yield p, o

    def value(self, subject: Any, predicate: Any) -> Any:
        """One object of ``subject`` and ``predicate`` (the first added), or None."""
        objects = self._spo.get(subject, {}).get(predicate)
        return next(iter(objects)) if objects else None

    def to_graph(self) -> Graph:
        """The same triples as an rdflib graph of the same name."""
        graph = Graph(identifier=self.identifier)
        for triple in self:
            graph.add(triple)
        return graph


class _MemoContext(Context):
    """rdflib's JSON-LD context, remembering its answers: the converter asks the same few
    questions (which term for this predicate and datatype, how to shorten this IRI) for every
    triple, and the answers depend only on the context, which conversion never changes.
    """

    def __init__(self, source: Any) -> None:
        super().__init__(source)
        self._terms: dict[tuple[Any, ...], Any] = {}
        self._shrunk: dict[str, str] = {}
        self._symbols: dict[str, str | None] = {}

    def find_term(
        self,
        idref: str,
        coercion: Any = None,
        container: Any = UNDEF,
        language: str | None = None,
        reverse: bool = False,
    ) -> Any:
        key = (idref, coercion, container, language, reverse)
        try:
            return self._terms[key]
        except KeyError:
            found = self._terms[key] = super().find_term(
                idref, coercion, container, language, reverse
            )
            return found

    def shrink_iri(self, iri: str) -> str:
        found = self._shrunk.get(iri)
        if found is None:
            found = self._shrunk[iri] = super().shrink_iri(iri)
        return found

    def to_symbol(self, iri: str) -> str | None:
        if iri not in self._symbols:
            self._symbols[iri] = super().to_symbol(iri)
        return self._symbols[iri]


#: The datatypes rdflib's converter writes as bare JSON values (and xsd:string, kept as text).
_NATIVE_TYPES = frozenset(str(t) for t in (XSD.boolean, XSD.integer, XSD.double))
#: The lexical forms a bare JSON value gives back when a JSON-LD processor reads it: ``true``
#: and ``false``, and integers in canonical form below 10^21 (JSON-LD 1.1, 8.6, "Object to RDF").
_NATIVE_FORMS = {
    str(XSD.boolean): re.compile(r"true|false"),
    str(XSD.integer): re.compile(r"0|-?[1-9][0-9]{0,20}"),
}


def _native_round_trips(literal: Literal) -> bool:
    """Whether a literal written as a bare JSON value reads back as the same literal.

    A double never does: Python writes ``3.21E4`` as ``32100.0``, which JSON-LD reads back as
    the integer ``"32100"``. ``"01"`` and ``"1"^^xsd:boolean`` read back as ``"1"`` and
    ``"true"``: lexical forms are data (RDF 1.1), so these keep ``@value`` and ``@type``.

    >>> _native_round_trips(Literal("01", datatype=XSD.integer, normalize=False))
    False
    >>> _native_round_trips(Literal("-12", datatype=XSD.integer))
    True
    """
    pattern = _NATIVE_FORMS.get(str(literal.datatype))
    if pattern is None:
        return False
    text = str(literal)
    return pattern.fullmatch(text) is not None and (
        literal.datatype != XSD.integer or abs(int(text)) < 10**21
    )


#: A term of a graph without blank nodes, as plain Python values: an IRI is its ``str``; a
#: literal is ``(lexical form, datatype IRI, language)``, with the datatype None for a plain or
#: language-tagged string, as rdflib's parser makes them.
PlainValue = str | tuple[str, str | None, str | None]
PlainTriple = tuple[str, str, PlainValue]

_RDF_TYPE = str(RDF.type)
_RDF_FIRST = str(RDF.first)
_RDF_NIL = str(RDF.nil)
_XSD_BOOLEAN = str(XSD.boolean)
_XSD_STRING = str(XSD.string)


class PlainGraph:
    """One graph without blank nodes, its triples as :data:`PlainTriple` values.

    :class:`_Converter` compacts it without rdflib terms (the same nodes as rdflib's converter
    makes from the graph's rdflib terms); for what that does not cover, it converts the graph
    made by ``fallback``, which must hold the same triples as rdflib terms.
    """

    def __init__(
        self, identifier: Any, triples: list[PlainTriple], fallback: Callable[[], Any]
    ) -> None:
        self.identifier = identifier
        self.triples = triples
        self.fallback = fallback


#: A graph as the JSON-LD writer takes it: an rdflib graph (canonical blank nodes), an index of
#: rdflib triples, or plain terms' text.
JsonldGraph = Graph | TripleIndex | PlainGraph


class _Unsupported(Exception):
    """A graph the plain compaction leaves to rdflib's converter."""


#: How a value is written: the literal's text (written by rdflib as the rdflib literal itself,
#: with the literal's truth, or as its text), its Python value, ``{"@type", "@value"}``,
#: ``{"@language", "@value"}``, an IRI shrunk, an IRI as a symbol, ``{"@id"}``.
_AS_TEXT = 0
_AS_LITERAL = 1
_AS_NATIVE = 2
_AS_TYPED = 3
_AS_LANGUAGE = 4
_AS_SHRUNK = 5
_AS_SYMBOL = 6
_AS_REF = 7
#: rdflib's converter asks for IRI values' terms with the container None (Any: typed otherwise).
_NO_CONTAINER: Any = None


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _ordered(items: list[Any]) -> list[Any]:
    """Order a list of JSON values, each already in :func:`_sort_json`'s form, as that does:
    named graphs last, then by ``@id``, ties broken by the JSON text. The values of one
    property (:meth:`_Converter._plain_nodes`) are ordered here without being copied."""
    heads = [
        ("@graph" in i, i.get("@id", "")) if isinstance(i, dict) else (False, "") for i in items
    ]
    if len(set(heads)) == len(heads):
        # The JSON text below only breaks ties between equal heads; with none, it is never
        # compared, and writing it for every node of a big graph was a fifth of the export.
        order = sorted(range(len(items)), key=heads.__getitem__)
        return [items[k] for k in order]
    return sorted(
        items,
        key=lambda i: (
            "@graph" in i if isinstance(i, dict) else False,
            i.get("@id", "") if isinstance(i, dict) else "",
            json.dumps(i, sort_keys=True, ensure_ascii=False),
        ),
    )


def _native_value(text: str, datatype: str) -> Any:
    """The bare JSON value rdflib's converter writes for a boolean, integer or double literal
    whose text reads back the same (:func:`_native_round_trips`), else None."""
    pattern = _NATIVE_FORMS.get(datatype)
    if pattern is None or pattern.fullmatch(text) is None:
        return None
    if datatype == _XSD_BOOLEAN:
        return text == "true"
    number = int(text)
    return number if abs(number) < 10**21 else None


def _literal_truth(term: tuple[str, str | None, str | None]) -> bool:
    """Whether rdflib holds the literal true (``Literal.__bool__`` tests its Python value)."""
    text, datatype, _language = term
    if datatype is None:
        return bool(text)
    return bool(Literal(text, datatype=URIRef(datatype), normalize=False))


class _Converter(Converter):
    """rdflib's JSON-LD converter, minus two data losses (found by the round-trip tests).

    rdflib adds a second value under a key only ``if s_node.get(key):``, so a first value that
    compacts to ``""``, ``0`` or ``false`` was silently overwritten by the next one. And it
    writes every boolean, integer and double as a bare JSON value from its Python value, which
    a JSON-LD processor reads back with another lexical form or datatype (see
    :func:`_native_round_trips`): those keep their text.
    """

    def to_raw_value(self, graph: Any, s: Any, o: Any, nodemap: Any) -> Any:
        if (
            isinstance(o, Literal)
            and str(o.datatype) in _NATIVE_TYPES
            and not _native_round_trips(o)
        ):
            context = self.context
            symbol = context.to_symbol(str(o.datatype))
            return {context.type_key: symbol, context.value_key: str(o)}
        return super().to_raw_value(graph, s, o, nodemap)

    def add_to_node(self, graph: Any, s: Any, p: Any, o: Any, s_node: Any, nodemap: Any) -> None:
        if all(s_node.values()):  # the common case, checked in C
            super().add_to_node(graph, s, p, o, s_node, nodemap)
            return
        falsy = {k: v for k, v in s_node.items() if not v and not isinstance(v, list)}
        super().add_to_node(graph, s, p, o, s_node, nodemap)
        for key, old in falsy.items():
            new = s_node[key]
            if new is not old:
                s_node[key] = [old, *(new if isinstance(new, list) else [new])]

    def from_graph(self, graph: Any) -> Any:
        if isinstance(graph, PlainGraph):
            try:
                return self._plain_nodes(graph)
            except _Unsupported:
                return super().from_graph(graph.fallback())
        return super().from_graph(graph)

    def _plain_ready(self) -> bool:
        """Whether the context is of the shape the plain compaction covers: no default
        language, no aliased keyword (see :func:`build_context`)."""
        context = self.context
        keywords = ("@id", "@type", "@value", "@language", "@list", "@graph")
        return context.language is None and all(context.get_key(k) == k for k in keywords)

    def _key_of(self, p: str, term: Any) -> str:
        """The key rdflib's ``add_to_node`` gives a value of ``p`` that found ``term``."""
        context = self.context
        if term:
            if term.container:
                raise _Unsupported
            return str(term.name)
        key = str(context.to_symbol(p))  # never None: the IRI itself at worst
        key_term = context.terms.get(key)
        if key_term and (key_term.type or key_term.container):
            raise _Unsupported  # rdflib keys these by the predicate's full IRI
        return context.type_key if p == _RDF_TYPE else str(key)

    def _iri_rule(self, p: str) -> tuple[str, int]:
        """Key and way of writing of an IRI value of ``p``: ``add_to_node``'s choices."""
        context = self.context
        term = None
        for coercion in ("@id", "@vocab", UNDEF):
            term = context.find_term(p, coercion, _NO_CONTAINER)
            if term:
                break
        key = self._key_of(p, term)
        if term:
            if term.type == "@id":
                return key, _AS_SHRUNK
            if term.type == "@vocab":
                return key, _AS_SYMBOL
            if not term.type and term.language:
                raise _Unsupported  # rdflib reads the IRI's language there, and fails
        elif p == _RDF_TYPE:
            return key, _AS_SYMBOL
        return key, _AS_REF

    def _literal_rule(self, p: str, datatype: str | None, language: str | None) -> tuple[str, int]:
        """Key and way of writing of a literal value of ``p``: ``add_to_node``'s choices, then
        ``to_raw_value``'s (this class's and rdflib's) where the term does not say."""
        term = self.context.find_term(p, datatype, language=language)
        key = self._key_of(p, term)
        if term:
            if term.type:
                if term.type == "@id" or term.type == str(datatype):
                    return key, _AS_LITERAL
            elif term.language and language == term.language:
                return key, _AS_TEXT
        if datatype in _NATIVE_TYPES:
            return key, _AS_NATIVE
        if datatype == _XSD_STRING:
            return key, _AS_TEXT  # its Python value is its text
        if datatype:
            return key, _AS_TYPED
        return key, (_AS_LANGUAGE if language else _AS_TEXT)

    def _plain_nodes(self, graph: PlainGraph) -> list[Any]:
        """The node objects rdflib's ``from_graph`` makes of the graph, in
        :func:`_sort_json`'s form, made from plain values: at every triple rdflib's converter
        asks the context and the graph the same questions, whose answers depend only on the
        predicate and the kind, datatype and language of the object, so they are asked once.
        """
        if not self._plain_ready():
            raise _Unsupported
        context = self.context
        shrink = context.shrink_iri
        symbol = context.to_symbol
        iri_rules: dict[str, tuple[str, int]] = self.__dict__.setdefault("_iri_rules", {})
        literal_rules: dict[tuple[str, str | None, str | None], tuple[str, int]] = (
            self.__dict__.setdefault("_literal_rules", {})
        )
        subjects: dict[str, dict[str, list[Any]]] = {}
        # Values rdflib may hold falsy (its converter then overwrites or merges them): a key
        # with one of them among several values is left to rdflib's converter.
        doubtful: list[tuple[str, str, Any]] = []
        value: Any
        for s, p, o in dict.fromkeys(graph.triples):
            if p == _RDF_FIRST:
                raise _Unsupported  # lists: rdflib's to_collection
            props = subjects.get(s)
            if props is None:
                props = subjects[s] = {}
            if isinstance(o, str):
                rule = iri_rules.get(p)
                if rule is None:
                    rule = iri_rules[p] = self._iri_rule(p)
                key, how = rule
                if how == _AS_SHRUNK:
                    value = shrink(o)
                elif how == _AS_SYMBOL:
                    value = symbol(o)
                elif o == _RDF_NIL:
                    value = {"@list": []}
                else:
                    value = {"@id": shrink(o)}
            else:
                text, datatype, language = o
                # Any: set only for the datatypes the rule was made for, never None there.
                typed: Any = datatype
                lrule = literal_rules.get((p, datatype, language))
                if lrule is None:
                    lrule = literal_rules[p, datatype, language] = self._literal_rule(
                        p, datatype, language
                    )
                key, how = lrule
                if how == _AS_TEXT:
                    value = text
                elif how == _AS_LITERAL:
                    value = text
                    if datatype is not None:
                        doubtful.append((s, key, o))
                elif how == _AS_NATIVE:
                    value = _native_value(text, typed)
                    if value is None:
                        value = {"@type": symbol(typed), "@value": text}
                elif how == _AS_TYPED:
                    value = {"@type": symbol(typed), "@value": text}
                else:
                    value = {"@language": language, "@value": text}
            if not value:
                doubtful.append((s, key, True))
            values = props.get(key)
            if values is None:
                props[key] = [value]
            else:
                values.append(value)
        for s, key, why in doubtful:
            if len(subjects[s][key]) > 1 and (why is True or not _literal_truth(why)):
                raise _Unsupported
        nodes: dict[str, Any] = {}
        for s, props in subjects.items():
            node_id = shrink(s)
            if node_id in nodes or "@id" in props:
                raise _Unsupported  # rdflib keeps one of two subjects with the same id
            pairs = [(k, v[0] if len(v) == 1 else _ordered(v)) for k, v in props.items()]
            pairs.append(("@id", node_id))
            pairs.sort(key=_first)
            nodes[node_id] = _SortedNode(pairs)
        return list(nodes.values())

    def convert_graphs(self, graphs: Sequence[JsonldGraph]) -> Any:
        """Do what ``convert`` does for a dataset, given its non-empty graphs as a list.

        rdflib's ``convert`` checks ``g in graphs`` for every graph, comparing it with every
        graph kept so far: quadratic in the number of named graphs, which was most of the time
        of a JSON-LD export with one graph per source sentence. Here graphs are
        matched by name, as ``Graph.__eq__`` matches them, so the output is the same.
        """
        context = self.context
        # Any: rdflib types the converter's graphs as Graph; a TripleIndex answers the same calls.
        default_graph: Any = next(
            (g for g in graphs if g.identifier == DATASET_DEFAULT_GRAPH_ID), Graph()
        )
        ordered: list[Any] = [default_graph]
        for g in graphs:
            if g is default_graph:
                continue
            if isinstance(g.identifier, URIRef):
                ordered.append(g)
            else:
                default_graph += g
        objs: list[Any] = []
        for g in ordered:
            obj: dict[str, Any] = {}
            graphname = None
            if isinstance(g.identifier, URIRef) and g.identifier != default_graph.identifier:
                graphname = context.shrink_iri(g.identifier)
                obj[context.id_key] = graphname
            nodes = self.from_graph(g)
            if not graphname and len(nodes) == 1:
                obj.update(nodes[0])
            else:
                if not nodes:
                    continue
                obj[context.graph_key] = nodes
            if objs and objs[0].get(context.get_key("@id")) == graphname:
                objs[0].update(obj)
            else:
                objs.append(obj)
        return objs[0] if len(objs) == 1 else objs


def jsonld_text(dataset: Dataset | Sequence[JsonldGraph], ontology: Graph) -> str:
    """The dataset's JSON-LD document compacted with the project context (see kgtool.export).

    ``dataset`` may be the non-empty graphs as a list, default graph first: rdflib graphs,
    :class:`TripleIndex` or :class:`PlainGraph`, which all give the same text.
    """
    context = build_context(ontology)["@context"]
    # What rdflib's serializer does (from_rdf), with the fixed converter.
    converter = _Converter(_MemoContext(context), use_native_types=True, use_rdf_type=False)
    if not isinstance(dataset, Dataset):
        doc = converter.convert_graphs(dataset)
    else:
        doc = converter.convert(dataset)
    if isinstance(doc, list):
        doc = {"@graph": doc}
    body = {k: v for k, v in doc.items() if k != "@context"}
    ordered = {"@context": context, **_sort_json(body)}
    return json_text(ordered) + "\n"


def sorted_lines(text: str) -> str:
    # Split on "\n" only: str.splitlines() also splits on U+2028, U+0085 and friends, which
    # N-Triples leaves unescaped inside literals, and so cut such a triple in two.
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return "\n".join(lines) + ("\n" if lines else "")


class _SortedGraph(Graph):
    """A graph that lists subjects and predicate-objects sorted, for rdflib's RDF/XML writer.

    rdflib's writer walks ``subjects()`` and ``predicate_objects()`` in store order, which
    depends on string hashing and so differs between runs.
    """

    def subjects(self, predicate: Any = None, object: Any = None, unique: bool = False) -> Any:
        return iter(sorted(set(super().subjects(predicate, object)), key=lambda n: n.n3()))

    def predicate_objects(self, subject: Any = None, unique: bool = False) -> Any:
        pairs = set(super().predicate_objects(subject))
        return iter(sorted(pairs, key=lambda po: (po[0].n3(), po[1].n3())))


#: Characters XML 1.0 does not allow anywhere (https://www.w3.org/TR/xml/#charsets).
_NOT_XML_1_0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _sorted_xml_namespaces(text: str) -> str:
    # rdflib declares namespaces in the order of a set of predicates, which differs between runs.
    # Lines end at "\n" only: str.splitlines() would also cut at U+0085, U+2028 and friends,
    # which rdflib writes raw inside literals.
    lines = text.rstrip("\n").split("\n")
    decls = [i for i, line in enumerate(lines) if line.strip().startswith("xmlns:")]
    if decls:
        block = sorted(lines[i] for i in decls)
        for i, line in zip(decls, block, strict=True):
            lines[i] = line
    return "\n".join(lines) + "\n"


def _trig(dataset: Dataset) -> str:
    """Write TriG in the project's canonical form (rdflib's writer orders graphs by a set)."""
    return canonical_trig(dataset)


def serialize_graph(graph: Graph, fmt: str) -> str:
    """Serialize one graph deterministically.

    Args:
        graph: The triples.
        fmt: ``turtle``, ``nt``, ``xml``, ``jsonld``, ``trig`` or ``nquads``.

    Returns:
        The text.

    Raises:
        UsageError: If the format is unknown.

    >>> serialize_graph(Graph(), "nt")
    ''
    """
    if fmt not in SERIALIZERS:
        raise UsageError(f"unknown RDF format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    canonical = canonical_graph(graph, identifier=DATASET_DEFAULT_GRAPH_ID)
    if fmt in QUAD_SERIALIZERS:
        ds = bind_prefixes(Dataset())
        target = ds.graph(DATASET_DEFAULT_GRAPH_ID)
        for triple in canonical:
            target.add(triple)
        return serialize_dataset(ds, fmt, Graph())
    if fmt == "xml":
        sortable = bind_prefixes(_SortedGraph())
        for triple in canonical:
            sortable.add(triple)
        canonical = sortable
    writer = SERIALIZERS[fmt]
    text = canonical.serialize(format=TURTLE if writer == "turtle" else writer)
    if fmt == "nt":
        return sorted_lines(text)
    if fmt == "xml":
        # XML parsers turn a raw carriage return into a line feed (XML 1.0, 2.11), and rdflib
        # writes literals' CRs raw: escaped, the literal reads back as it was written. rdflib
        # itself writes only line feeds, so every CR in the text belongs to a literal.
        bad = _NOT_XML_1_0.search(text)
        if bad is not None:
            raise ExportError(
                f"RDF/XML cannot hold the character U+{ord(bad.group()):04X} (XML 1.0 forbids "
                "it even as a reference); export this graph as Turtle, N-Triples or JSON-LD"
            )
        return _sorted_xml_namespaces(text).replace("\r", "&#13;")
    return text


def serialize_dataset(dataset: Dataset, fmt: str, ontology: Graph) -> str:
    """Serialize a dataset; triple formats get the union.

    Args:
        dataset: The quads (built by :func:`_dataset_for_export`: sorted, canonical).
        fmt: One of :data:`EXPORT_FORMATS`.
        ontology: Used to build the JSON-LD context.

    Returns:
        The text.

    Raises:
        UsageError: If the format is unknown.
    """
    if fmt not in SERIALIZERS:
        raise UsageError(f"unknown RDF format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    if fmt in ("jsonld", "json-ld"):
        return jsonld_text(dataset, ontology)
    if fmt == "nquads":
        # rdflib writes a default-graph quad as "s p o  ." (an empty graph term between two
        # spaces); Oxigraph, like the N-Quads spec's examples, writes one. A literal's newline
        # is escaped in N-Quads, so "  .\n" is only ever such a line's end.
        return sorted_lines(dataset.serialize(format="nquads").replace("  .\n", " .\n"))
    if fmt == "trig":
        return _trig(dataset)
    union = bind_prefixes(Graph())
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return serialize_graph(union, fmt)


def render_inferred(inferred: Graph, fmt: str) -> str:
    """Serialize the inferred graph alone; quad formats name it ``GRAPH_INFERRED``.

    >>> render_inferred(Graph(), "nquads")
    ''
    """
    if fmt not in QUAD_SERIALIZERS:
        return serialize_graph(inferred, fmt)
    ds = bind_prefixes(Dataset())
    target = ds.graph(GRAPH_INFERRED)
    for triple in canonical_graph(inferred):
        target.add(triple)
    return serialize_dataset(ds, fmt, Graph())


EXPORT_FORMATS: tuple[str, ...] = RDF_FORMAT_NAMES
