"""Cold start: a lazy CLI, and an answer cache that prints exactly what a full run does.

No timings here (bench/run.py --shipped has them); these tests check what makes the fast path
fast (nothing heavy imported) and that it never changes an answer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kgtool.core import choices, paths
from kgtool.query import answers
from kgtool.query.answers import answer_key, read_answer, write_answer
from kgtool.query.catalog import list_queries
from kgtool.query.run import find_query, uses_service
from tests.conftest import FACTS, FIXTURE_ARGS, QUERIES, Invoke

ROOT = Path(__file__).resolve().parents[2]


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "KGTOOL_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}


def test_the_library_takes_its_choices_from_the_one_cheap_module() -> None:
    from kgtool.cli import flags
    from kgtool.io import formats
    from kgtool.query import render
    from kgtool.reason import engine as reason_engine
    from kgtool.store import base
    from kgtool.validate import engine as validate_engine

    assert flags.STORE_CHOICES is base.STORE_CHOICES
    assert reason_engine.PROFILES is choices.PROFILES
    assert reason_engine.ENGINES is choices.ENGINES
    assert validate_engine.INFERENCE_CHOICES is choices.INFERENCE_CHOICES
    assert validate_engine.ENGINES is choices.VALIDATION_ENGINES
    assert render.TABLE_FORMATS is formats.RESULT_FORMAT_NAMES
    assert render.GRAPH_FORMATS is formats.RDF_FORMAT_NAMES


def test_the_rdf_format_choices_match_the_readers_and_writers() -> None:
    from kgtool.io.formats import RDF_FORMAT_NAMES, RDF_FORMAT_SPELLINGS
    from kgtool.io.parse import FORMAT_ALIASES
    from kgtool.io.serialize import EXPORT_FORMATS

    assert sorted(RDF_FORMAT_SPELLINGS) == sorted(FORMAT_ALIASES)
    assert RDF_FORMAT_NAMES == EXPORT_FORMATS


def test_importing_the_cli_imports_no_rdf_library() -> None:
    code = (
        "import sys, kgtool.cli.main; "
        "print(sorted(m for m in ('rdflib', 'owlrl', 'pyshacl', 'pyoxigraph') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_a_cache_hit_prints_the_same_bytes_without_rdflib(tmp_path: Path) -> None:
    if not paths.ontology_file().exists():
        pytest.skip("no bundled ontology")
    runner = (
        "import sys\n"
        "from kgtool.cli.main import cli\n"
        "try:\n"
        "    cli(sys.argv[1:])\n"
        "except SystemExit as e:\n"
        "    sys.stderr.write('rdflib' if 'rdflib' in sys.modules else 'none')\n"
        "    raise\n"
    )

    def run(*args: str) -> tuple[bytes, str]:
        done = subprocess.run(
            [sys.executable, "-c", runner, "query", "founders", *args],
            capture_output=True,
            check=True,
            env=_env(tmp_path),
        )
        return done.stdout, done.stderr.decode()

    for fmt in ("table", "csv"):
        miss, loaded = run("--format", fmt)
        hit, skipped = run("--format", fmt)
        full, _ = run("--format", fmt, "--no-cache")
        # A hit needs no rdflib; nor, once the inputs' stored copy exists, does a miss.
        assert skipped == "none"
        assert fmt == "table" or loaded == "none"
        assert hit == miss == full
    assert b"id:Connor_Leahy" in miss.replace(b"https://w3id.org/eleutherai-kg/id/", b"id:")


BUNDLED = [q.name for q in list_queries() if not uses_service(find_query(q.name))]


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_query_replays_exactly(invoke: Invoke, name: str) -> None:
    if not paths.ontology_file().exists():
        pytest.skip("no bundled ontology")
    fmt = ("table", "csv", "tsv", "json")[BUNDLED.index(name) % 4]
    args = ["query", name, "--format", fmt]
    miss = invoke(args, fixture=False)
    hit = invoke(args, fixture=False)
    full = invoke([*args, "--no-cache"], fixture=False)
    assert miss.exit_code == hit.exit_code == full.exit_code
    assert miss.stdout == hit.stdout == full.stdout


def _key(data: list[str], *params: str, fmt: str = "csv", query: str = "agents") -> str | None:
    ontology = [FIXTURE_ARGS[FIXTURE_ARGS.index("--ontology") + 1]]
    return answer_key(query, params, fmt, False, data, ontology, [], None, "auto", None)


def test_the_key_changes_with_every_input(tmp_path: Path) -> None:
    facts = tmp_path / "facts.trig"
    facts.write_bytes(FACTS.read_bytes())
    first = _key([str(facts)])
    assert first == _key([str(facts)])
    assert first != _key([str(facts)], "org=x")
    assert first != _key([str(facts)], fmt="tsv")
    assert first != _key([str(facts)], query="founders")
    facts.write_bytes(FACTS.read_bytes() + b"\n# one more byte\n")
    assert first != _key([str(facts)])
    assert _key(["-"]) is None
    assert _key([str(facts)], query="SELECT (rand() AS ?r) WHERE {}") is None


def test_a_changed_input_is_answered_afresh(invoke: Invoke, tmp_path: Path) -> None:
    facts = tmp_path / "facts.nt"
    person = "<https://w3id.org/eleutherai-kg/id/{0}>"
    line = f'{person} <http://www.w3.org/2000/01/rdf-schema#label> "{{0}}" .\n'
    facts.write_text(line.format("A"), encoding="utf-8")
    args = ["query", "SELECT ?n WHERE { ?s rdfs:label ?n }", "--data", str(facts)]
    args += ["--ontology", str(facts), "--shapes", str(facts), "--format", "csv"]
    assert invoke(args, fixture=False).stdout.split() == ["n", "A"]
    facts.write_text(line.format("B"), encoding="utf-8")
    assert invoke(args, fixture=False).stdout.split() == ["n", "B"]


def test_failures_are_not_cached(invoke: Invoke, tmp_path: Path) -> None:
    args = ["query", "agents", "--queries", str(QUERIES), "--param", "nope=1"]
    args += ["--cache-dir", str(tmp_path)]
    assert invoke(args).exit_code == 2
    assert invoke(args).exit_code == 2
    assert not list(tmp_path.rglob("*.answer"))


def test_no_cache_neither_reads_nor_writes(invoke: Invoke, tmp_path: Path) -> None:
    args = ["query", "agents", "--queries", str(QUERIES), "--cache-dir", str(tmp_path)]
    assert invoke([*args, "--no-cache"]).exit_code == 0
    assert not list(tmp_path.rglob("*.answer"))
    assert invoke(args).exit_code == 0
    assert len(list(tmp_path.rglob("*.answer"))) == 1


def test_entries_are_written_whole_and_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "MAX_ENTRIES", 4)
    for i in range(6):
        write_answer(tmp_path, f"{i:064x}", f"answer {i}\n")
    names = sorted(p.name for p in (tmp_path / "answers").iterdir())
    assert not [n for n in names if n.startswith(".")]  # no temp files left
    assert 3 <= len(names) <= 5
    assert read_answer(tmp_path, f"{5:064x}") == "answer 5\n"
    assert read_answer(tmp_path, "f" * 64) is None


def test_concurrent_processes_share_one_entry(tmp_path: Path) -> None:
    if not paths.ontology_file().exists():
        pytest.skip("no bundled ontology")
    argv = [sys.executable, "-m", "kgtool", "query", "founders", "--format", "tsv"]
    procs: list[Any] = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, env=_env(tmp_path)) for _ in range(3)
    ]
    outputs = {p.communicate()[0] for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(outputs) == 1
    entries = list((tmp_path / "kgtool" / "answers").iterdir())
    assert [e.name.endswith(".answer") and not e.name.startswith(".") for e in entries] == [True]


ENTRY_FORMS = [
    ["query", "founders"],
    ["query", "--format", "csv", "founders"],
    ["query", "founders", "--format=json", "--asserted"],
    ["query", "founders", "--param", "organization=OpenAI", "--format", "tsv"],
    ["query", "founders", "--param=organization=OpenAI", "--store", "memory"],
    ["query", "models", "--reasoned", "--format", "csv"],
]


@pytest.mark.parametrize("argv", ENTRY_FORMS, ids=[" ".join(a[1:]) for a in ENTRY_FORMS])
def test_the_console_script_answers_a_hit_before_click(tmp_path: Path, argv: list[str]) -> None:
    """`kgtool` (kgtool.cli.entry) prints what the full command printed, without importing click."""
    if not paths.ontology_file().exists():
        pytest.skip("no bundled ontology")
    runner = (
        "import sys\n"
        "from kgtool.cli.entry import main\n"
        "sys.argv = ['kgtool', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    sys.stderr.write('click' if 'click' in sys.modules else 'none')\n"
    )

    def run(*args: str) -> tuple[bytes, str]:
        done = subprocess.run(
            [sys.executable, "-c", runner, *args],
            capture_output=True,
            check=True,
            env=_env(tmp_path),
        )
        return done.stdout, done.stderr.decode()[-5:]

    miss, loaded = run(*argv)
    hit, skipped = run(*argv)
    full, _ = run(*argv, "--no-cache")
    assert (loaded, skipped) == ("click", "none")
    assert hit == miss == full != b""


NEW_TEXTS = [
    ["SELECT ?s ?c WHERE { ?s a ?c } ORDER BY ?s LIMIT 5"],
    ["SELECT ?s ?c WHERE { ?s a ?c } ORDER BY ?s LIMIT 5", "--format", "tsv"],
    ["ASK { ?s ?p ?o }", "--format=xml"],
    ["founders", "--param", "organization=id:EleutherAI", "--format", "json"],
]


@pytest.mark.parametrize("args", NEW_TEXTS, ids=[" ".join(a) for a in NEW_TEXTS])
def test_a_new_text_on_stored_inputs_runs_without_click_or_rdflib(
    tmp_path: Path, args: list[str]
) -> None:
    """A miss on inputs whose stored copy exists is answered before click, byte for byte."""
    if not paths.ontology_file().exists():
        pytest.skip("no bundled ontology")
    runner = (
        "import sys\n"
        "from kgtool.cli.entry import main\n"
        "sys.argv = ['kgtool', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    loaded = [m for m in ('click', 'rdflib') if m in sys.modules]\n"
        "    sys.stderr.write(' '.join(loaded) or 'none')\n"
    )

    def run(*argv: str) -> tuple[bytes, str]:
        done = subprocess.run(
            [sys.executable, "-c", runner, "query", *argv],
            capture_output=True,
            check=True,
            env=_env(tmp_path),
        )
        return done.stdout, done.stderr.decode()

    run("ASK { ?s ?p ?o } # builds the stored copy")
    fresh, loaded = run(*args)
    hit, _ = run(*args)
    full, _ = run(*args, "--no-cache")
    assert loaded.endswith("none")
    assert fresh == hit == full != b""


def test_a_run_that_warns_is_left_to_click(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from kgtool.cli import entry
    from kgtool.graph import KnowledgeGraph
    from kgtool.query import run

    KnowledgeGraph.load(store="oxigraph", cache_dir=tmp_path)  # the stored copy
    argv = ["query", "ASK { ?s ?p ?o }", "--cache-dir", str(tmp_path)]
    assert entry.fresh_answer(argv) == "true\n"
    original = run.run_query

    def warning(*args: Any, **kwargs: Any) -> Any:
        logging.getLogger("rdflib.term").warning("a literal does not fit its datatype")
        return original(*args, **kwargs)

    monkeypatch.setattr(run, "run_query", warning)
    assert entry.fresh_answer([*argv, "--format", "csv"]) is None


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["validate"],
        ["query"],
        ["query", "-"],
        ["query", "founders", "--all"],
        ["query", "founders", "models"],
        ["query", "founders", "--format"],
        ["query", "founders", "--format", "graphml"],
        ["query", "founders", "--store", "sqlite"],
        ["query", "founders", "--param", "--format"],
        ["query", "founders", "--data", "x.ttl"],
        ["query", "founders", "--no-cache"],
        ["query", "founders", "--allow-service"],
        ["query", "founders", "-h"],
    ],
)
def test_the_console_script_leaves_everything_else_to_click(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    from kgtool.cli import entry

    seen: list[str] = []
    monkeypatch.setattr(entry, "_lookup", lambda name, *rest: seen.append(name) or "stored")
    assert entry.cached_answer(argv) is None
    assert seen == []


def test_the_console_script_refuses_answers_click_would_print_differently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kgtool.cli import entry

    monkeypatch.setenv("KGTOOL_CACHE_DIR", str(tmp_path))
    key = answer_key("founders", [], "table", False, None, None, None, None, "auto", None)
    assert key is not None
    cache_dir = tmp_path / "kgtool"
    write_answer(cache_dir, key, "plain\n")
    assert entry.cached_answer(["query", "founders"]) == "plain\n"
    write_answer(cache_dir, key, "\x1b[31mred\x1b[0m\n")  # click strips escapes off a terminal
    assert entry.cached_answer(["query", "founders"]) is None
    assert entry.cached_answer(["query", "founders", "--cache-dir", str(tmp_path / "f")]) is None
    (tmp_path / "file").write_text("")
    assert entry.cached_answer(["query", "founders", "--cache-dir", str(tmp_path / "file")]) is None


def test_shapes_are_parsed_only_when_used(tmp_path: Path, invoke: Invoke) -> None:
    """A query does not parse the shapes; a missing shapes file is still an input error."""
    from kgtool.graph import KnowledgeGraph

    kg = KnowledgeGraph.load()
    assert kg.shapes_graph is None
    assert len(kg.shapes) > 0 and kg.shapes_graph is kg.shapes
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y\n")
    assert invoke(["query", "founders", "--no-cache", "--shapes", str(broken)]).exit_code == 0
    done = invoke(["validate", "--shapes", str(broken)])
    assert done.exit_code == 2 and "broken.ttl" in done.stderr
    missing = invoke(["query", "founders", "--no-cache", "--shapes", str(tmp_path / "no.ttl")])
    assert missing.exit_code == 2 and "no.ttl" in missing.stderr


def test_every_fast_path_option_means_the_same_on_kgtool_query() -> None:
    """The fast path reads the same option definitions click builds `kgtool query` from."""
    import click

    from kgtool.cli.entry import parse_query_args
    from kgtool.cli.flags import FAST_PATH
    from kgtool.cli.query import query

    options = {p.name: p for p in query.params if isinstance(p, click.Option)}
    for flag in FAST_PATH:
        option = options[flag.name]
        assert tuple(option.opts) == flag.opts
        assert tuple(option.secondary_opts) == flag.off_opts
        assert option.multiple == flag.multiple
        assert (option.is_flag and not option.secondary_opts) == (flag.kind == "flag")
        assert option.default == flag.default
        choices = option.type.choices if isinstance(option.type, click.Choice) else None
        assert (tuple(choices) if choices else None) == flag.choices
        assert isinstance(option.type, click.Path) == flag.directory
    argv = ["query", "founders", "--param", "a=1", "--param=b=2", "--format=csv", "--reasoned"]
    argv += ["--asserted", "--store", "memory", "--cache-dir", "somewhere"]
    parsed = parse_query_args(argv)
    assert parsed is not None
    ctx = query.make_context("query", argv[1:])
    assert parsed[0] == ctx.params["query"]
    for flag in FAST_PATH:
        seen = ctx.obj[flag.name] if flag.remembered else ctx.params[flag.name]
        assert parsed[1][flag.name] == (str(seen) if isinstance(seen, Path) else seen)


def test_the_console_script_leaves_with_the_commands_status_and_all_its_output(
    tmp_path: Path, invoke: Invoke
) -> None:
    """`python -m kgtool` (kgtool.cli.entry.run) ends the process without the interpreter's
    teardown: every byte written is still there, and the status is the command's."""
    argv = ["export", "--format", "nt", *FIXTURE_ARGS]

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "kgtool", *args], capture_output=True, env=_env(tmp_path)
        )

    done = run(*argv)
    assert (done.returncode, done.stdout) == (0, invoke(argv, fixture=False).stdout_bytes)
    refused = run("query", "SELECT ?s WHERE {", *FIXTURE_ARGS)
    assert refused.returncode == 2 and b"Error" in refused.stderr
    assert run("--version").returncode == 0
