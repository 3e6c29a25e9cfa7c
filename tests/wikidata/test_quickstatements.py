"""kgtool link quickstatements: article facts Wikidata lacks, citing the article."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Invoke
from tests.wikidata.conftest import NEEDS_ONTOLOGY, link

pytestmark = NEEDS_ONTOLOGY


def test_quickstatements_for_facts_wikidata_lacks(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    result = link(invoke, ["quickstatements"], wikidata, tmp_path)
    assert result.exit_code == 0, result.output
    ref = 'S143\tQ328\tS4656\t"https://en.wikipedia.org/wiki/EleutherAI"'
    assert result.stdout.splitlines() == [
        f"Q116937684\tP275\tQ13785927\t{ref}",
        f"Q116937684\tP577\t+2021-06-09T00:00:00Z/11\t{ref}",
    ]
    assert "conflict: Q95726734 P577: the article says 2020-05-28, Wikidata has 2020-06-11" in (
        result.stderr
    )
    assert "2 statements Wikidata lacks; 2 it already has; 1 conflicts." in result.stderr
