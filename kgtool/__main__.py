"""Run the command line interface as ``python -m kgtool``."""

from kgtool.cli.entry import main

if __name__ == "__main__":  # pragma: no cover
    main()
