"""Load the ontology, shapes and facts into one :class:`KnowledgeGraph`.

Quad formats (TriG, N-Quads, JSON-LD with named ``@graph`` objects) keep their graph names;
triple formats go into the default graph; the ontology goes into ``GRAPH_ONTOLOGY``. Shapes are
kept apart from the data. Parse errors name the file and, where the parser knows it, the line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.io.inputs import data_files as list_data_files
from kgtool.io.inputs import (
    expand_inputs as expand_inputs,
)  # re-exported: its old place
from kgtool.io.inputs import ontology_files as ontology_inputs
from kgtool.io.inputs import shapes_files
from kgtool.store.base import Store, open_store, resolve_store

if TYPE_CHECKING:
    # rdflib is imported where a graph is read as rdflib's (most commands): a query answered
    # inside Oxigraph needs none of it.
    from rdflib import Dataset, Graph


@dataclass
class KnowledgeGraph:
    """The loaded dataset, its ontology and its shapes: the one object every command works on.

    Attributes:
        store: The quads (asserted, plus the inferred graph once reasoned).
        ontology: The ontology triples (also in the store as ``GRAPH_ONTOLOGY``).
        shapes: The SHACL shapes; never part of the data.
        sources: The files that were loaded, in order.
    """

    store: Store
    #: The ontology graph; None until first read from the store (see :attr:`ontology`).
    ontology_graph: Graph | None = None
    #: The shapes graph; None until first read when :attr:`shape_files` are given (see shapes).
    shapes_graph: Graph | None = None
    sources: list[Path] = field(default_factory=list)
    reasoned_profile: str | None = None
    #: Where :func:`kgtool.reason.engine.reason` keeps closures on disk (None: in this process
    #: only).
    cache_dir: Path | None = None
    #: Shape files parsed on first use of :attr:`shapes` (a query never needs them).
    shape_files: list[Path] = field(default_factory=list)
    #: ``format`` as given to :meth:`load`: with ``sources`` it determines the asserted triples,
    #: so the closure cache is keyed by them. Code that adds triples to ``store`` after
    #: loading must clear ``sources`` (the key then falls back to hashing the triples).
    input_format: str | None = None
    #: ``base`` as given to :meth:`load`: it changes the triples of files with relative IRIs,
    #: so the closure cache is keyed by it too.
    base: str | None = None

    @property
    def ontology(self) -> Graph:
        """The ontology triples, copied from the store's ``GRAPH_ONTOLOGY`` on first use.

        Lazily: most commands never read it as an rdflib graph, and the copy is a tenth of a
        second on a store opened from disk in milliseconds.
        """
        if self.ontology_graph is None:
            from kgtool.core.namespaces import GRAPH_ONTOLOGY

            self.ontology_graph = self.store.named_graph(GRAPH_ONTOLOGY)
        return self.ontology_graph

    @ontology.setter
    def ontology(self, graph: Graph) -> None:
        self.ontology_graph = graph

    @property
    def shapes(self) -> Graph:
        """The SHACL shapes, parsed from :attr:`shape_files` on first use.

        Raises:
            InputError: If a shapes file is malformed (reported when first needed).
        """
        if self.shapes_graph is None:
            from kgtool.core.namespaces import bind_prefixes

            # The store parses them: Oxigraph reads the bundled shapes in a fraction of the
            # ~0.2 s rdflib's Turtle parser takes, with the same triples and errors.
            self.shapes_graph = bind_prefixes(self.store.read_graph(self.shape_files))
        return self.shapes_graph

    @classmethod
    def load(
        cls,
        data: Sequence[str | Path] | None = None,
        ontology: Sequence[str | Path] | None = None,
        shapes: Sequence[str | Path] | None = None,
        format: str | None = None,
        store: str = "auto",
        progress: Callable[[int, int], None] | None = None,
        base: str | None = None,
        cache_dir: Path | None = None,
    ) -> KnowledgeGraph:
        """Load facts, ontology and shapes; None means the bundled default for each.

        Args:
            data: Files or folders of facts; replaces the bundled ``graph/``.
            ontology: Ontology files; replaces the bundled ontology.
            shapes: SHACL files; replaces the bundled shapes.
            format: Parse every data file in this format instead of guessing from extensions
                (needed for stdin ``-``).
            store: ``oxigraph`` (pyoxigraph), ``memory`` (rdflib) or ``auto`` (Oxigraph when
                pyoxigraph is installed, which it is with kgtool).
            progress: Called as ``progress(bytes_read, total_bytes)`` of the ontology and fact
                files: as Oxigraph reads, or once per file parsed by rdflib.
            base: The IRI relative IRIs in the fact files resolve against, instead of each
                file's own ``file:`` URI (stdin's default is the current directory, see
                :func:`kgtool.io.parse.base_iri`). An ``@base`` in a file still wins.
            cache_dir: The cache folder: on Oxigraph the parsed inputs are stored there and
                opened read-only by every later load of the same bytes
                (:mod:`kgtool.store.snapshot`), and reasoning keeps its closures there. None:
                parse into memory, keep nothing.

        Returns:
            The knowledge graph.

        Raises:
            InputError: If a file is missing, unreadable, of unknown format or malformed.

        >>> kg = KnowledgeGraph.load(data=[], ontology=[], shapes=[])
        >>> len(kg.store.union())
        0
        """
        ontology_files = ontology_inputs(ontology)
        data_files = list_data_files(data)
        inputs = [*ontology_files, *data_files]
        # Shape files must exist now (a typo is an input error at once); parsing them costs
        # more than parsing the bundled facts and only validate needs them.
        shape_files = shapes_files(shapes)
        kind = resolve_store(store)
        counter = _byte_counter(inputs, progress)
        backend: Store | None = None
        if kind == "oxigraph" and cache_dir is not None:
            from kgtool.io.cache import CacheSettings
            from kgtool.store.snapshot import open_snapshot

            backend = open_snapshot(
                CacheSettings(cache_dir), ontology_files, data_files, format, base, counter
            )
        if backend is None:
            backend = open_store(kind)
            backend.load_files(ontology_files, data_files, format, counter, base=base)
        if backend.rewrites:
            _warn_rewrites(backend)
        return cls(
            store=backend,
            sources=inputs,
            shape_files=shape_files,
            input_format=format,
            base=base,
            cache_dir=cache_dir,
        )

    @classmethod
    def open_stored(
        cls,
        data: Sequence[str | Path] | None = None,
        ontology: Sequence[str | Path] | None = None,
        shapes: Sequence[str | Path] | None = None,
        format: str | None = None,
        store: str = "auto",
        cache_dir: Path | None = None,
    ) -> KnowledgeGraph | None:
        """Open the inputs' stored copy in the cache as :meth:`load` would; None when there is none.

        Nothing is parsed: on None, :meth:`load` is what builds the copy. Arguments as for
        :meth:`load`.

        Raises:
            InputError: If an input file is missing.

        >>> KnowledgeGraph.open_stored(cache_dir=None) is None
        True
        """
        if cache_dir is None:
            return None
        ontology_files = ontology_inputs(ontology)
        data_files = list_data_files(data)
        inputs = [*ontology_files, *data_files]
        shape_files = shapes_files(shapes)
        if resolve_store(store) != "oxigraph":
            return None
        from kgtool.io.cache import CacheSettings
        from kgtool.store.snapshot import open_snapshot

        backend = open_snapshot(
            CacheSettings(cache_dir), ontology_files, data_files, format, None, build=False
        )
        if backend is None or backend.rewrites:
            return None  # :meth:`load` warns of the rewrites
        return cls(
            store=backend,
            sources=inputs,
            shape_files=shape_files,
            input_format=format,
            cache_dir=cache_dir,
        )

    @classmethod
    def from_dataset(
        cls, dataset: Dataset, ontology: Graph | None = None, shapes: Graph | None = None
    ) -> KnowledgeGraph:
        """Wrap an in-memory dataset (handy in tests and notebooks).

        >>> from rdflib import Dataset
        >>> kg = KnowledgeGraph.from_dataset(Dataset())
        >>> kg.store.graph_names()
        []
        """
        from rdflib import Graph

        from kgtool.core.namespaces import GRAPH_ONTOLOGY
        from kgtool.store.memory import MemoryStore

        store = MemoryStore()
        store.add_dataset(dataset)
        onto = ontology if ontology is not None else Graph(identifier=GRAPH_ONTOLOGY)
        if len(onto):
            store.add_graph(GRAPH_ONTOLOGY, onto)
        return cls(
            store=store,
            ontology_graph=onto,
            shapes_graph=shapes if shapes is not None else Graph(),
        )


def _warn_rewrites(backend: Store) -> None:
    """Say which input literals the store's own answers give otherwise than written.

    Lexical forms are data (RDF 1.1): ``"01"^^xsd:integer`` and ``"1"^^xsd:integer`` are two
    terms. Oxigraph keeps the XSD types it knows by value, with no option to keep the text
    (oxigraph#526). Exports and validation read such inputs again as written; SPARQL, which
    Oxigraph evaluates, cannot, so the user is told, and how to keep the forms there too.
    """
    import logging  # here: most runs have nothing to say

    first = backend.rewrites[0]
    files = len(backend.rewrites)
    logging.getLogger(__name__).warning(
        "%s%s in queries, describe and why: Oxigraph keeps XSD numbers, booleans, dates and "
        "durations by value (exports and validation keep them as written; --store memory "
        "keeps them everywhere)",
        first.describe(),
        f", and in {files - 1} more files" if files > 1 else "",
    )


def _byte_counter(
    files: Sequence[Path], progress: Callable[[int, int], None] | None
) -> Callable[[int], None] | None:
    """Turn ``progress(done, total)`` into a callback taking the bytes just read."""
    if progress is None:
        return None
    total = 0
    for f in files:
        with contextlib.suppress(OSError):  # a missing file is reported when it is read
            total += f.stat().st_size if str(f) != "-" else 0
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        progress(done, max(total, done))

    return advance
