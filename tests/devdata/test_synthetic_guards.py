"""The synthetic data command is deterministic, and it refuses a database with families or a
production setting."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from nurture.accounts.models import Provider
from nurture.devdata.synthetic import SIZES, Generator
from nurture.devdata.synthetic_sink import ListSink
from nurture.families.models import Baby
from tests import factories
from tests.devdata.test_synthetic import END


def test_refuses_a_database_with_families(db: Any, settings: Any) -> None:
    settings.DEBUG = True
    factories.make_family(factories.make_provider("Real"))
    with pytest.raises(CommandError, match="already holds families"):
        call_command("generate_synthetic", "--size", "tiny")
    assert Baby.objects.count() <= 1


def test_refuses_a_production_setting(db: Any, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("generate_synthetic", "--size", "tiny")
    assert not Provider.objects.exists()


def _rows(seed: int) -> dict[str, list[tuple[Any, ...]]]:
    sink = ListSink()
    generator = Generator(sink, SIZES["tiny"], seed=seed, end=END)
    generator.run()
    assert generator.bench_events > 0  # whatever the seed, the bench parent has a history
    rows = {model.__name__: list(found) for model, found in sink.rows.items()}
    rows["User"] = [row[:1] + row[2:] for row in rows["User"]]  # password hashes are salted
    return rows


def test_the_same_seed_gives_the_same_rows() -> None:
    first = _rows(7)
    assert first == _rows(7)
    for seed in (8, 9, 10):
        assert first["CueEvent"] != _rows(seed)["CueEvent"]
