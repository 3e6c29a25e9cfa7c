"""Run SPARQL queries in worker processes that can be killed: the server's time and size limits.

rdflib evaluates a query in pure Python and offers no way to interrupt it from another thread, so
:mod:`kgtool.serve.app` sends each query to one of a few worker processes. Each worker loads the
same :class:`~kgtool.graph.KnowledgeGraph` (the one load path, with the command's store and cache
settings), answers one query at a time with the library's one runner
(:func:`kgtool.query.run.run_query`) and ``render``, and is killed and replaced when a query
outlives the time limit, so a runaway query is really stopped and the other workers keep
answering. Results are rendered inside the worker, so only bytes cross the pipe.

Until it is stopped, a runaway query would still take a core from the quick ones. So a query
still running after :data:`DEMOTE_AFTER` seconds has its worker's priority dropped to the
lowest (nice 19), as a multilevel feedback scheduler demotes long jobs: the quick queries on the
other workers get the CPU first. When it answers, the worker gets its priority back, or, where
the system does not let a process raise a priority again, it is replaced by a fresh one.

Statuses follow the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/#query-operation):
400 for a malformed query or bad parameter, 403 for a refused operation (``SERVICE``), 404 for an
unknown bundled query, 406 when no acceptable format exists, 500 when evaluation fails or the
result is larger than the limit, 503 when the time limit stops a query.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import resource
import shutil
import signal
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from kgtool.core.errors import (
    KgtoolError,
    ParameterError,
    QueryRunError,
    QuerySyntaxError,
    UnknownQueryError,
    UsageError,
)
from kgtool.graph import KnowledgeGraph
from kgtool.io.files import scratch_folder
from kgtool.query.catalog import NamedQuery, bundled_query, text_query
from kgtool.query.prepare import ServiceRefusedError
from kgtool.query.render import render
from kgtool.query.run import ResultTooLargeError, run_query
from kgtool.serve.conneg import GRAPH_TYPES, RESULT_TYPES, negotiate
from kgtool.store.base import QueryDataset


@dataclass(frozen=True)
class GraphSpec:
    """How to load the knowledge graph (what the CLI was given); workers load it the same way.

    Attributes:
        data: Facts files or folders (None: the bundled graph).
        ontology: Ontology files (None: the bundled ontology).
        shapes: Shapes files (None: the bundled shapes).
        input_format: Format of the data files (None: from the extension).
        reasoned: Reason first and query the asserted plus inferred triples.
        queries_dir: Where bundled queries live (None: the bundled ``queries/``).
        store: The triple store: ``oxigraph``, ``memory`` or ``auto`` (Oxigraph if installed).
        cache_dir: The cache folder: the stored copy of the inputs, which every worker opens
            read-only, and the closures (None: nowhere, as ``--no-cache``).
    """

    data: tuple[str, ...] | None = None
    ontology: tuple[str, ...] | None = None
    shapes: tuple[str, ...] | None = None
    input_format: str | None = None
    reasoned: bool = False
    queries_dir: str | None = None
    store: str = "auto"
    cache_dir: str | None = None

    def load(self) -> KnowledgeGraph:
        """Load (and reason over, if asked) the knowledge graph.

        Raises:
            InputError: If a file is missing or malformed.
            InconsistencyError: If reasoning finds the data inconsistent.
        """
        kg = KnowledgeGraph.load(
            data=list(self.data) if self.data is not None else None,
            ontology=list(self.ontology) if self.ontology is not None else None,
            shapes=list(self.shapes) if self.shapes is not None else None,
            format=self.input_format,
            store=self.store,
            cache_dir=Path(self.cache_dir) if self.cache_dir is not None else None,
        )
        if self.reasoned:
            from kgtool.reason.engine import reason

            reason(kg)
        return kg


@dataclass(frozen=True)
class Limits:
    """What one query may cost.

    Attributes:
        timeout: Seconds a query may run (and wait for a free worker) before it is stopped.
        max_rows: Most result rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned.
        allow_service: Let ``SERVICE`` clauses call remote endpoints.
        memory_mb: Address-space limit of a worker process (None: no limit); a query that
            needs more fails with 500 instead of starving the machine.
    """

    timeout: float = 5.0
    max_rows: int = 10_000
    allow_service: bool = False
    memory_mb: int | None = 2048


@dataclass(frozen=True)
class QueryRequest:
    """One query to run.

    Attributes:
        text: SPARQL text, or the name of a bundled query when ``bundled``.
        bundled: Whether ``text`` names a bundled query.
        params: Parameter values as typed (bundled queries and headed ad-hoc queries).
        default_graphs: ``default-graph-uri`` values: the default graph is their merge.
        named_graphs: ``named-graph-uri`` values: the only named graphs visible.
        accept: The ``Accept`` header.
        formats: ``format=`` values, which override ``accept``.
    """

    text: str
    bundled: bool = False
    params: dict[str, str] = field(default_factory=dict)
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str = ""
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryResponse:
    """What to send back: an HTTP status, a media type and the body."""

    status: int
    media_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> QueryResponse:
        """A plain-text error response (the protocol leaves the body's format open)."""
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def _named(request: QueryRequest, queries_dir: Path | None) -> NamedQuery:
    # A URL names a bundled query exactly, or carries SPARQL text: never a file to read.
    if request.bundled:
        return bundled_query(request.text, queries_dir)
    return text_query(request.text)


def _protocol_dataset(request: QueryRequest) -> QueryDataset | None:
    """The RDF dataset ``default-graph-uri`` / ``named-graph-uri`` describe (None: neither given).

    Given, they replace the query's own FROM / FROM NAMED (SPARQL 1.1 Protocol, section 2.1.4).
    """
    if not (request.default_graphs or request.named_graphs):
        return None
    return QueryDataset(request.default_graphs, request.named_graphs)


def execute(
    kg: KnowledgeGraph,
    request: QueryRequest,
    limits: Limits,
    reasoned: bool = False,
    queries_dir: Path | None = None,
) -> QueryResponse:
    """Run one query in this process and render the result as the client asked.

    Args:
        kg: The knowledge graph.
        request: The query, its parameters, dataset and wanted format.
        limits: ``max_rows`` and ``allow_service`` apply here; ``timeout`` is the pool's job.
        reasoned: Query the asserted plus inferred triples (the graph must be reasoned).
        queries_dir: Where bundled queries live.

    Returns:
        The response; errors become protocol error responses, never exceptions.

    >>> from rdflib import Dataset
    >>> kg = KnowledgeGraph.from_dataset(Dataset())
    >>> r = execute(kg, QueryRequest("ASK { ?s ?p ?o }", accept="text/csv"), Limits())
    >>> r.status, r.media_type, r.body
    (200, 'text/csv; charset=utf-8', b'false\\n')
    >>> execute(kg, QueryRequest("INSERT DATA { <a:b> <a:c> <a:d> }"), Limits()).status
    400
    """
    try:
        outcome = run_query(
            kg,
            _named(request, queries_dir),
            request.params,
            reasoned,
            allow_service=limits.allow_service,
            federation=_federation if limits.allow_service else None,
            max_rows=limits.max_rows,
            graphs=_protocol_dataset(request),
        )
        result = outcome.result
        offers = RESULT_TYPES if result.type in ("SELECT", "ASK") else GRAPH_TYPES
        chosen = negotiate(offers, request.accept, request.formats)
        if chosen is None:
            available = ", ".join(o.mime for o in offers)
            return QueryResponse.error(
                406, f"no acceptable format for a {result.type} result; available: {available}"
            )
        text = render(outcome, chosen.name)
    except UnknownQueryError as exc:
        return QueryResponse.error(404, str(exc))
    except ServiceRefusedError:
        return QueryResponse.error(
            403,
            "the query uses SERVICE, which calls a remote endpoint; this server "
            "refuses it (the operator can start it with --allow-service)",
        )
    except (QuerySyntaxError, ParameterError, UsageError) as exc:
        return QueryResponse.error(400, str(exc))
    except ResultTooLargeError:
        return QueryResponse.error(
            500,
            f"the result has more than {limits.max_rows} rows, this server's limit; "
            "add LIMIT (or ask the operator for a larger --max-rows)",
        )
    except MemoryError:
        return QueryResponse.error(
            500, f"the query needed more than the server's memory limit ({limits.memory_mb} MB)"
        )
    except QueryRunError as exc:
        return QueryResponse.error(500, f"the query failed while running: {exc.__cause__ or exc}")
    except Exception as exc:  # rendering errors of rdflib come in many types
        return QueryResponse.error(500, f"the query failed while running: {exc}")
    return QueryResponse(200, f"{chosen.mime}; charset=utf-8", text.encode("utf-8"))


def _federation() -> contextlib.AbstractContextManager[object]:
    """The remote layer's SERVICE client, as on the command line (imported when first used)."""
    from kgtool.remote.federation import federation

    return federation()


def _worker_main(conn: Connection, spec: GraphSpec, limits: Limits, scratch: str) -> None:
    """A worker process: load the graph, then answer requests until the pipe closes.

    Its temporary files (a scratch store without a cache, say) go in ``scratch``, a folder the
    pool removes when it stops the worker: a worker killed at the time limit runs no clean-up of
    its own.
    """
    # Ctrl-C on the server is the server's to handle; the pool stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tempfile.tempdir = scratch
    if limits.memory_mb:
        cap = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    queries_dir = Path(spec.queries_dir) if spec.queries_dir else None
    try:
        kg = spec.load()
        # The first query pays rdflib's SPARQL parser set-up (~0.35 s); do it before serving.
        execute(kg, QueryRequest("ASK { ?s ?p ?o }"), limits, spec.reasoned, queries_dir)
    except Exception as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", ""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        _send(conn, execute(kg, request, limits, spec.reasoned, queries_dir))


#: Seconds after which a running query yields the CPU to the others (see the module's text).
DEMOTE_AFTER = 0.25
#: The lowest scheduling priority (``nice`` value) on POSIX systems.
LOWEST_PRIORITY = 19


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    #: The folder of the worker's temporary files, removed once the worker has stopped.
    scratch: str
    #: The priority to give back when the worker was demoted, or None.
    demoted_from: int | None = None

    def demote(self) -> None:
        """Drop the worker's priority to the lowest (nothing where that cannot be done)."""
        pid = self.process.pid
        if pid is None or self.demoted_from is not None:
            return
        try:
            before = os.getpriority(os.PRIO_PROCESS, pid)
            os.setpriority(os.PRIO_PROCESS, pid, LOWEST_PRIORITY)
        except (OSError, AttributeError):  # gone already, or no priorities on this system
            return
        self.demoted_from = before

    def restore(self) -> bool:
        """Give a demoted worker its priority back; False where the system refuses."""
        if self.demoted_from is None:
            return True
        pid = self.process.pid
        try:
            if pid is None:
                return False
            os.setpriority(os.PRIO_PROCESS, pid, self.demoted_from)
        except OSError:  # raising a priority needs CAP_SYS_NICE on Linux
            return False
        self.demoted_from = None
        return True


class WorkerStartError(KgtoolError):
    """A query worker process could not load the knowledge graph."""

    exit_code = 2


class QueryPool:
    """A few worker processes answering queries, each stopped and replaced at the time limit.

    Use from one asyncio event loop: ``await pool.start()``, ``await pool.run(request)``,
    ``await pool.close()``.
    """

    def __init__(self, spec: GraphSpec, limits: Limits, size: int = 2) -> None:
        """Prepare (but do not start) ``size`` workers loading ``spec`` under ``limits``."""
        self.spec = spec
        self.limits = limits
        self.size = size
        #: How many workers were killed at the time limit (or died) and replaced.
        self.restarts = 0
        # spawn, not fork: the server has threads, and forking those can deadlock the child.
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        #: Where the workers' scratch folders live (made when the first worker starts).
        self._scratch: str | None = None

    async def start(self) -> None:
        """Start the workers and wait until each has loaded the graph.

        Raises:
            WorkerStartError: If a worker fails to load the graph.
        """
        started = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in started:
            self._idle.put_nowait(worker)

    async def _spawn(self) -> _Worker:
        if self._scratch is None:
            self._scratch = scratch_folder("serve")
        # Made again if something cleaned the temporary folder while the server ran.
        os.makedirs(self._scratch, exist_ok=True)
        scratch = tempfile.mkdtemp(prefix="worker-", dir=self._scratch)
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_worker_main,
            args=(child, self.spec, self.limits, scratch),
            name="kgtool-query-worker",
            daemon=True,
        )
        try:
            process.start()
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        child.close()
        worker = _Worker(process, parent, scratch)
        self._workers.add(worker)
        try:
            status, message = await _receive(parent, timeout=300)
        except (TimeoutError, EOFError, OSError):
            status, message = "failed", "the worker did not start"
        if status != "ready":
            self._kill(worker)
            raise WorkerStartError(f"a query worker could not load the graph: {message}")
        return worker

    async def run(self, request: QueryRequest) -> QueryResponse:
        """Run ``request`` on a free worker, within the time limit.

        Returns:
            The worker's response, or 503 when the limit stopped the query (or no worker
            became free in time), or 500 if the worker died.
        """
        timeout = self.limits.timeout
        try:
            # Most requests find a worker free: no timer and no task for the wait then.
            worker = self._idle.get_nowait()
        except asyncio.QueueEmpty:
            try:
                worker = await asyncio.wait_for(self._idle.get(), timeout)
            except TimeoutError:
                return QueryResponse.error(
                    503, f"every query worker stayed busy for {timeout:g} s; try again later"
                )
        healthy = False
        try:
            _send(worker.conn, request)
            try:
                response = await _receive(worker.conn, min(DEMOTE_AFTER, timeout))
            except TimeoutError:
                if timeout <= DEMOTE_AFTER:
                    raise
                worker.demote()
                response = await _receive(worker.conn, timeout - DEMOTE_AFTER)
            healthy = isinstance(response, QueryResponse)
            if not healthy:
                return QueryResponse.error(500, "the query worker sent a malformed reply")
            return response
        except TimeoutError:
            return QueryResponse.error(
                503, f"the query was stopped at this server's time limit of {timeout:g} s"
            )
        except (EOFError, OSError):
            return QueryResponse.error(
                500,
                "the query worker died while running the query "
                f"(the memory limit is {self.limits.memory_mb} MB)",
            )
        finally:
            # Also reached when the client goes away mid-query (CancelledError): a worker that
            # did not answer is still busy, so it is replaced rather than reused.
            if healthy and worker.restore():
                self._idle.put_nowait(worker)
            else:
                self._replace(worker)

    def worker_pids(self) -> list[int]:
        """The process ids of the running workers (for monitoring)."""
        return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    def _kill(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        shutil.rmtree(worker.scratch, ignore_errors=True)

    def _replace(self, worker: _Worker) -> None:
        self.restarts += 1
        self._kill(worker)
        if self._closed:
            return

        async def respawn() -> None:
            try:
                fresh = await self._spawn()
            except WorkerStartError:
                return  # the graph loaded once, so this is transient; the pool runs smaller
            if self._closed:
                self._kill(fresh)
            else:
                self._idle.put_nowait(fresh)

        task = asyncio.get_running_loop().create_task(respawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Stop every worker (a running query is abandoned)."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.process.join(timeout=1)
            self._kill(worker)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def _send(conn: Connection, message: Any) -> None:
    """Send what :meth:`Connection.recv` reads back, pickled by :mod:`pickle` itself.

    ``Connection.send`` pickles with multiprocessing's own pickler, made anew for each message
    and looking each object's type up in its table of reducers; requests and responses are
    plain data, which need none.
    """
    conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


async def _receive(conn: Connection, timeout: float) -> Any:
    """Wait (without blocking the event loop) for one message on ``conn``, then read it."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    fd = conn.fileno()
    loop.add_reader(fd, wake)
    try:
        await asyncio.wait_for(ready, timeout)
    finally:
        loop.remove_reader(fd)
    return conn.recv()


def graphs_spec(values: Sequence[str]) -> tuple[str, ...] | None:
    """Turn a CLI's repeatable path option into a :class:`GraphSpec` field (empty: bundled).

    >>> graphs_spec([]) is None
    True
    """
    return tuple(values) if values else None
