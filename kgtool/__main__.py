"""Run the command line interface as ``python -m kgtool``."""

from kgtool.cli import cli

if __name__ == "__main__":  # pragma: no cover
    cli(prog_name="kgtool")
