"""The version of kgtool: its one source (the build reads it from here)."""

__version__ = "0.1.0"
