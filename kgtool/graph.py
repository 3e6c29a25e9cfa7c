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

from rdflib import Dataset, Graph

from kgtool.core.choices import STORE_CHOICES
from kgtool.core.errors import UsageError
from kgtool.core.namespaces import GRAPH_ONTOLOGY, bind_prefixes
from kgtool.io.inputs import data_files as list_data_files
from kgtool.io.inputs import expand_inputs as expand_inputs  # re-exported: moved for issue 5
from kgtool.io.inputs import ontology_files as ontology_inputs
from kgtool.io.inputs import shapes_files
from kgtool.io.parse import merged_graph, parse_file, parse_graph_files
from kgtool.store.base import Store
from kgtool.store.memory import MemoryStore

AUTO_OXIGRAPH_BYTES = 5_000_000


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
    ontology: Graph
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
    #: so the closure cache is keyed by them (issue 5). Code that adds triples to ``store`` after
    #: loading must clear ``sources`` (the key then falls back to hashing the triples).
    input_format: str | None = None

    @property
    def shapes(self) -> Graph:
        """The SHACL shapes, parsed from :attr:`shape_files` on first use.

        Raises:
            InputError: If a shapes file is malformed (reported when first needed).
        """
        if self.shapes_graph is None:
            if getattr(self.store, "accepts_text", False):
                # On the Oxigraph store Oxigraph parses them too: rdflib's Turtle parser takes
                # ~0.2 s on the bundled shapes; same triples, same errors
                # (tests/store/test_oxigraph.py).
                from kgtool.store.oxigraph import load_graph

                self.shapes_graph = bind_prefixes(load_graph(self.shape_files))
            else:
                self.shapes_graph = parse_graph_files(self.shape_files)
        return self.shapes_graph

    @classmethod
    def load(
        cls,
        data: Sequence[str | Path] | None = None,
        ontology: Sequence[str | Path] | None = None,
        shapes: Sequence[str | Path] | None = None,
        format: str | None = None,
        store: str = "memory",
        progress: Callable[[int, int], None] | None = None,
    ) -> KnowledgeGraph:
        """Load facts, ontology and shapes; None means the bundled default for each.

        Args:
            data: Files or folders of facts; replaces the bundled ``graph/``.
            ontology: Ontology files; replaces the bundled ontology.
            shapes: SHACL files; replaces the bundled shapes.
            format: Parse every data file in this format instead of guessing from extensions
                (needed for stdin ``-``).
            store: ``memory`` (rdflib), ``oxigraph`` (pyoxigraph) or ``auto`` (by input size).
            progress: Called as ``progress(bytes_read, total_bytes)`` of the ontology and fact
                files: as Oxigraph reads, or once per file parsed by rdflib.

        Returns:
            The knowledge graph.

        Raises:
            InputError: If a file is missing, unreadable, of unknown format or malformed.

        >>> kg = KnowledgeGraph.load(data=[], ontology=[], shapes=[])
        >>> len(kg.store.union())
        0
        """
        sources: list[Path] = []
        ontology_files = ontology_inputs(ontology)
        data_files = list_data_files(data)
        advance = _byte_counter([*ontology_files, *data_files], progress)
        if resolve_store(store, [*ontology_files, *data_files]) == "oxigraph":
            kg = cls._load_oxigraph(ontology_files, data_files, shapes, format, advance)
            kg.input_format = format
            return kg
        memory = MemoryStore()
        ontology_graph = bind_prefixes(Graph(identifier=GRAPH_ONTOLOGY))
        for f in ontology_files:
            for triple in merged_graph(parse_file(f)):
                ontology_graph.add(triple)
            sources.append(f)
            _advance_by_size(f, advance)
        memory.add_graph(GRAPH_ONTOLOGY, ontology_graph)
        # Shape files must exist now (a typo is an input error at once); parsing them costs
        # more than parsing the bundled facts and only validate needs it (issue 5, cold start).
        shape_files = shapes_files(shapes)
        for f in data_files:
            memory.add_dataset(parse_file(f, format))
            sources.append(f)
            _advance_by_size(f, advance)
        return cls(
            store=memory,
            ontology=ontology_graph,
            sources=sources,
            shape_files=shape_files,
            input_format=format,
        )

    @classmethod
    def _load_oxigraph(
        cls,
        ontology_files: list[Path],
        data_files: list[Path],
        shapes: Sequence[str | Path] | None,
        format: str | None,
        advance: Callable[[int], None] | None = None,
    ) -> KnowledgeGraph:
        # Imported here: pyoxigraph is an optional extra, and the memory path must not need it.
        from kgtool.store.oxigraph import load_store

        store = load_store(ontology_files, data_files, format, progress=advance)
        ontology_graph = store.named_graph(GRAPH_ONTOLOGY)
        return cls(
            store=store,
            ontology=ontology_graph,
            sources=[*ontology_files, *data_files],
            shape_files=shapes_files(shapes),
        )

    @classmethod
    def from_dataset(
        cls, dataset: Dataset, ontology: Graph | None = None, shapes: Graph | None = None
    ) -> KnowledgeGraph:
        """Wrap an in-memory dataset (handy in tests and notebooks).

        >>> kg = KnowledgeGraph.from_dataset(Dataset())
        >>> kg.store.graph_names()
        []
        """
        store = MemoryStore()
        store.add_dataset(dataset)
        onto = ontology if ontology is not None else Graph(identifier=GRAPH_ONTOLOGY)
        if len(onto):
            store.add_graph(GRAPH_ONTOLOGY, onto)
        return cls(
            store=store, ontology=onto, shapes_graph=shapes if shapes is not None else Graph()
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


def _advance_by_size(path: Path, advance: Callable[[int], None] | None) -> None:
    if advance is not None and str(path) != "-":
        advance(path.stat().st_size)


def oxigraph_available() -> bool:
    """Return whether pyoxigraph can be imported (the ``oxigraph`` extra is installed)."""
    import importlib.util

    return importlib.util.find_spec("pyoxigraph") is not None


def resolve_store(kind: str, files: Sequence[Path] = ()) -> str:
    """Turn a ``--store`` choice into ``memory`` or ``oxigraph``.

    Args:
        kind: ``memory``, ``oxigraph`` or ``auto``.
        files: The inputs; ``auto`` picks Oxigraph when they exceed ``AUTO_OXIGRAPH_BYTES``
            and pyoxigraph is installed.

    Returns:
        ``memory`` or ``oxigraph``.

    Raises:
        UsageError: For an unknown kind, or ``oxigraph`` without pyoxigraph installed.

    >>> resolve_store("auto", [])
    'memory'
    """
    if kind not in STORE_CHOICES:
        raise UsageError(f"unknown store {kind!r} (choose from {', '.join(STORE_CHOICES)})")
    if kind == "oxigraph":
        if not oxigraph_available():
            raise UsageError(
                "--store oxigraph needs pyoxigraph: pip install 'eleutherai-kg[oxigraph]'"
            )
        return kind
    if kind == "auto":
        size = sum(f.stat().st_size for f in files if str(f) != "-" and f.exists())
        return "oxigraph" if size > AUTO_OXIGRAPH_BYTES and oxigraph_available() else "memory"
    return kind
