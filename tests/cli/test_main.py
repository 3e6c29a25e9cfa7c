"""The CLI itself: help, version, examples, error mapping, --traceback."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from kgtool.cli.main import cli
from kgtool.core.version import __version__
from tests.conftest import Invoke

COMMANDS = sorted(cli.commands) if isinstance(cli, click.Group) else []


def test_version(invoke: Invoke) -> None:
    result = invoke(["--version"], fixture=False)
    assert result.exit_code == 0
    assert __version__ in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(invoke: Invoke, command: str) -> None:
    result = invoke([command, "-h"], fixture=False)
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"kgtool {command}" in result.stdout


def test_commands_are_kebab_case() -> None:
    assert all(c == c.lower() and "_" not in c for c in COMMANDS)


def test_python_dash_m_kgtool_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kgtool", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "Usage:" in done.stdout


def test_unknown_option_is_a_usage_error(invoke: Invoke) -> None:
    assert invoke(["validate", "--nope"]).exit_code == 2


def test_internal_error_is_reported_without_traceback(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("oops")

    monkeypatch.setattr("kgtool.inspect.describe.stats", broken)  # cli imports it per call
    result = invoke(["stats"])
    assert result.exit_code == 2
    assert "Internal error" in result.stderr and "RuntimeError: oops" in result.stderr
    assert "Traceback" not in result.output


def test_traceback_flag_reraises(invoke: Invoke) -> None:
    result = invoke(["--traceback", "describe", "Nobody"])
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "TermError"


def test_help_lists_every_command(invoke: Invoke) -> None:
    result = invoke(["--help"], fixture=False)
    lines = result.stdout.split("Commands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in lines if line.startswith("  ") and line.split()]
    assert names == [
        "build",
        "canonicalize",
        "check",
        "context",
        "coverage",
        "describe",
        "diagram",
        "export",
        "facts",
        "link",
        "push",
        "queries",
        "query",
        "reason",
        "serve",
        "source",
        "stats",
        "validate",
        "why",
    ]
