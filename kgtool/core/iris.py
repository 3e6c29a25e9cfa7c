"""The project's prefixes and fixed IRIs as plain strings, for code that needs no rdflib.

Importing rdflib costs about a third of a second; a query answered inside Oxigraph and written
by kgtool's own renderers needs none of it. :mod:`kgtool.core.namespaces` builds rdflib's
namespaces and terms from these strings, so both always agree.
"""

from __future__ import annotations

import re

BASE = "https://w3id.org/eleutherai-kg/"

#: The prefixes bound in every serialisation the project writes.
PREFIXES: dict[str, str] = {
    "kg": BASE + "ontology/",
    "id": BASE + "id/",
    "src": BASE + "source/",
    "shape": BASE + "shapes/",
    "claim": BASE + "claim/",
    "schema": "http://schema.org/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "sssom": "https://w3id.org/sssom/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "link": BASE + "link/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

#: Named graphs the code itself reads or writes.
GRAPH_ONTOLOGY = BASE + "graph/ontology"
#: Written only by the reasoner, never by hand.
GRAPH_INFERRED = BASE + "graph/inferred"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: The properties whose values name an entity for people (rdfs:label, skos:altLabel,
#: skos:prefLabel), in the order they are tried.
LABEL_IRIS: tuple[str, ...] = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)

_LOCAL_RE = re.compile(r"[\w.-]*")
_PREFIXED_RE = re.compile(r"^([A-Za-z][\w.-]*)?:([^\s<>\"{}|^`\\]*)$")
_ABSOLUTE_IRI_RE = re.compile(r"^(https?|urn|file|mailto|tag):", re.IGNORECASE)


def expand_iri_text(text: str) -> str | None:
    """Return the IRI written as ``<iri>``, an absolute IRI or a project prefixed name, else None.

    >>> expand_iri_text(" id:GPT-J-6B ")
    'https://w3id.org/eleutherai-kg/id/GPT-J-6B'
    >>> expand_iri_text("GPT-J-6B") is None
    True
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    match = _PREFIXED_RE.match(text)
    if match and (match.group(1) or "") in PREFIXES:
        return PREFIXES[match.group(1) or ""] + match.group(2)
    if _ABSOLUTE_IRI_RE.match(text) and " " not in text:
        return text
    return None


def shorten_iri(value: str) -> str:
    """Write an IRI for people: a project prefixed name if one fits, else ``<iri>``.

    The longest matching namespace wins; a local part must be a plain name not ending in a dot.

    >>> shorten_iri("https://w3id.org/eleutherai-kg/id/EleutherAI")
    'id:EleutherAI'
    >>> shorten_iri("urn:x")
    '<urn:x>'
    """
    best = ""
    result = ""
    for prefix, iri in PREFIXES.items():
        if value.startswith(iri) and len(iri) > len(best):
            local = value[len(iri) :]
            if _LOCAL_RE.fullmatch(local) and not local.endswith("."):
                best = iri
                result = f"{prefix}:{local}"
    return result if best else f"<{value}>"
