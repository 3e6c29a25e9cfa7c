"""Fixtures of the network tests: the local servers of :mod:`tests.remote.servers`."""

from tests.remote.servers import flaky, wikidata

__all__ = ["flaky", "wikidata"]
