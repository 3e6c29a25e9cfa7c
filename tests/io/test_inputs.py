"""Which files a command reads: folders expanded, a folder with nothing to read refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool.core.errors import InputError
from kgtool.io.inputs import expand_inputs
from tests.conftest import Invoke


def test_a_folder_is_expanded_to_its_rdf_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.ttl").write_text("")
    (tmp_path / "a.nt").write_text("")
    (tmp_path / "notes.md").write_text("")
    assert [f.name for f in expand_inputs([tmp_path])] == ["a.nt", "b.ttl"]


def test_a_folder_without_rdf_files_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("no RDF here")
    with pytest.raises(InputError, match="no RDF file in this folder"):
        expand_inputs([tmp_path])


def test_validate_with_an_empty_ontology_folder_exits_2(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["validate", "--ontology", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path}: no RDF file in this folder" in result.stderr
