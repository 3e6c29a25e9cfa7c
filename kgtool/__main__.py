"""Run the command line interface as ``python -m kgtool``."""

from kgtool.cli.entry import run

if __name__ == "__main__":  # pragma: no cover
    run()
