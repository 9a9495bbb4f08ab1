from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from nurture.curriculum import loader, services


@pytest.fixture
def curriculum(db: Any) -> services.LoadResult:
    """The shipped curriculum, loaded."""
    return services.load_curriculum(actor=None, content=loader.read_content())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped data files to spoil or change."""
    target = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
