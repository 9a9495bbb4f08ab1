"""Questionnaire packs: the shipped ones are valid, broken ones are rejected with a message
naming the file and field, the EPDS must have its published structure, and a malformed pack
stops start-up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from nurture.questionnaires import licensed, packs
from tests.questionnaires.conftest import epds_text

PHQ9 = (packs.DATA_DIR / "phq9-1.toml").read_text(encoding="utf-8")


def problems_of(shipped: Path, licensed: Path | None = None) -> list[tuple[str, str, str]]:
    with pytest.raises(packs.PackError) as error:
        packs.load(shipped_dir=shipped, licensed_dir=licensed)
    return error.value.problems


def one_pack(tmp_path: Path, text: str, name: str = "phq9-1.toml") -> Path:
    directory = tmp_path / "data"
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_the_shipped_packs_load() -> None:
    registry = packs.load()
    assert [i.key for i in registry.current()] == ["course-feedback", "gad7", "phq9"]
    phq9, gad7, feedback = (registry.get(k, "1") for k in ("phq9", "gad7", "course-feedback"))
    assert phq9 is not None and gad7 is not None and feedback is not None
    assert (len(phq9.scored_items), phq9.safety_items, phq9.online_only) == (
        9,
        frozenset({9}),
        True,
    )
    assert phq9.items[8].text.startswith("Thoughts that you would be better off dead")
    assert (len(gad7.scored_items), gad7.safety_items, gad7.referral_threshold) == (
        7,
        frozenset(),
        10,
    )
    assert feedback.safety_items == frozenset() and not feedback.online_only
    for instrument in (phq9, gad7):
        assert "No permission required" in instrument.licence and "Pfizer" in instrument.licence
        assert "Kroenke" in instrument.citation and "Spitzer" in instrument.citation
    assert registry.latest("epds") is None  # never shipped


def test_no_shipped_file_holds_epds_wording() -> None:
    for path in packs.DATA_DIR.glob("*.toml"):
        assert "epds" not in path.read_text(encoding="utf-8").lower(), path.name


BROKEN = [
    (
        'label = "Several days"\nscore = 1',
        'label = "Several days"\nscore = 4',
        "options[2].score",
        "must be a whole number from 0 to 3",
    ),
    ("number = 2\n", "number = 3\n", "item[2].number", "expected 2"),
    ("[[band]]\nmin = 5\n", "[[band]]\nmin = 6\n", "band[2].min", "totals 5 to 5 are in no band"),
    ("[[band]]\nmin = 5\n", "[[band]]\nmin = 4\n", "band[2].min", "overlaps band 1"),
    ("max = 27\n", "max = 26\n", "band[5].max", "must end at 27"),
    ("safety_items = [9]", "safety_items = [11]", "safety_items", "no scored question 11"),
    ("safety_items = [9]", "safety_items = [10]", "safety_items", "no scored question 10"),
    ("online_only = true", "online_only = false", "online_only", "answered online only"),
    ("referral_threshold = 10", "referral_threshold = 28", "referral_threshold", "at most 27"),
    ('key = "phq9"', 'key = "PHQ 9"', "key", "lower-case letters"),
    ('key = "phq9"\n', "", "key", "lower-case letters"),
    ('version = "1"', 'version = "1"\ncolour = "blue"', "colour", "unknown field"),
    ("[[item]]\nnumber = 1", "[[item]]\nnumber = 1\nmood = 3", "item[1].mood", "unknown field"),
    ("[[options]]", "[[choices]]", "choices", "unknown field"),
    ('recall = "Over', "recall = Over", "(file)", "not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "field", "message"), BROKEN)
def test_a_broken_pack_is_rejected_naming_file_and_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    assert old in PHQ9, old
    shipped = one_pack(tmp_path, PHQ9.replace(old, new, 1))
    found = problems_of(shipped)
    assert any(
        file == "data/phq9-1.toml" and name.endswith(field) and message in text
        for file, name, text in found
    ), found


def test_every_question_needs_options(tmp_path: Path) -> None:
    start = PHQ9.index("[[options]]")
    without_shared = PHQ9[:start] + PHQ9[PHQ9.index("[[item]]") :]
    found = problems_of(one_pack(tmp_path, without_shared))
    assert ("data/phq9-1.toml", "item[1].options") in [(f, n) for f, n, _ in found]
    assert all(
        "every question needs answer options" in t for _, n, t in found if n.endswith("options")
    )


def test_subscales_name_real_questions_and_bands_are_optional(tmp_path: Path) -> None:
    feedback = (packs.DATA_DIR / "course-feedback-1.toml").read_text(encoding="utf-8")
    broken = feedback.replace("items = [4, 5, 6]", "items = [4, 5, 12]")
    found = problems_of(one_pack(tmp_path, broken, "course-feedback-1.toml"))
    assert found == [
        ("data/course-feedback-1.toml", "subscale[2].items", "there is no scored question 12.")
    ]


def test_a_pack_version_is_loaded_once_and_old_versions_stay(tmp_path: Path) -> None:
    shipped = one_pack(tmp_path, PHQ9)
    (shipped / "phq9-2.toml").write_text(
        PHQ9.replace('version = "1"', 'version = "2"').replace(
            "referral_threshold = 10", "referral_threshold = 12"
        )
    )
    registry = packs.load(shipped_dir=shipped)
    v1, v2 = registry.get("phq9", "1"), registry.get("phq9", "2")
    assert v1 is not None and v2 is not None and registry.latest("phq9") is v2
    assert (v1.referral_threshold, v2.referral_threshold) == (10, 12)
    (shipped / "phq9-copy.toml").write_text(PHQ9)
    found = problems_of(shipped)
    assert [(f, n) for f, n, _ in found] == [("data/phq9-copy.toml", "version")]
    assert "already in data/phq9-1.toml" in found[0][2]


def test_versions_sort_naturally() -> None:
    assert sorted(["10", "9", "2.1", "2"], key=packs._natural) == ["2", "2.1", "9", "10"]


# --- The EPDS, installed from a licensed packs directory --------------------------------------


def test_a_well_formed_synthetic_epds_installs(tmp_path: Path) -> None:
    licensed = tmp_path / "licensed"
    licensed.mkdir()
    (licensed / "epds-1.toml").write_text(epds_text())
    registry = packs.load(licensed_dir=licensed)
    epds = registry.get("epds", "1")
    assert epds is not None and epds.licensed and epds.online_only
    assert epds.total_range == (0, 30) and epds.safety_items == {10}


EPDS_BROKEN = [
    ({"reverse": (3, 5, 6, 7, 8, 9)}, "reverse_scored", "reverse-scores questions 3 and 5 to 10"),
    ({"reverse": ()}, "reverse_scored", "reverse-scores"),
    ({"safety": ()}, "safety_items", "question 10 (thoughts of self-harm)"),
    ({"safety": (9,)}, "safety_items", "question 10"),
    ({"items": 9, "reverse": (3, 5, 6, 7, 8, 9), "safety": (9,)}, "item", "exactly 10"),
    ({"scores": (0, 1, 2), "scale_max": 2}, "scale", "scores each question 0 to 3"),
    ({"scores": (3, 2, 1, 0)}, "item[1].options", "in the order printed"),
    ({"threshold": None}, "referral_threshold", "13 is usual"),
    ({"online_only": False}, "online_only", "answered online only"),
]


@pytest.mark.parametrize(("change", "field", "message"), EPDS_BROKEN)
def test_a_malformed_epds_is_rejected(
    tmp_path: Path, change: dict[str, Any], field: str, message: str
) -> None:
    licensed = tmp_path / "licensed"
    licensed.mkdir()
    (licensed / "epds-1.toml").write_text(epds_text(**change))
    found = problems_of(packs.DATA_DIR, licensed)
    assert any(
        file == "licensed/epds-1.toml" and name == field and message in text
        for file, name, text in found
    ), found
    assert "licensed/epds-1.toml" in str(packs.PackError(found))


def test_the_epds_may_never_be_shipped(tmp_path: Path) -> None:
    found = problems_of(one_pack(tmp_path, epds_text(), "epds-1.toml"))
    assert found == [("data/epds-1.toml", "key", licensed.NEVER_SHIPPED["epds"])]


def test_an_empty_licensed_directory_is_a_mistake(tmp_path: Path) -> None:
    found = problems_of(packs.DATA_DIR, tmp_path)
    assert [(n, t) for _, n, t in found] == [
        ("NURTURE_LICENSED_PACKS_DIR", "names a directory with no .toml packs.")
    ]


def test_a_malformed_shipped_pack_stops_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "data"
    shutil.copytree(packs.DATA_DIR, shipped)
    (shipped / "gad7-1.toml").write_text(
        (shipped / "gad7-1.toml").read_text().replace("max = 21", "max = 20")
    )
    monkeypatch.setattr(packs, "DATA_DIR", shipped)
    try:
        with pytest.raises(ImproperlyConfigured) as error:
            apps.get_app_config("questionnaires").ready()
        assert "data/gad7-1.toml: band[4].max: the last band must end at 21" in str(error.value)
    finally:
        monkeypatch.undo()
        packs.reload()


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: (d / "epds-1.toml").write_text(epds_text(safety=())),
            "epds-1.toml: safety_items",
        ),
        (lambda d: d.rmdir(), "NURTURE_LICENSED_PACKS_DIR must name an existing directory"),
    ],
)
def test_start_up_stops_on_a_bad_licensed_pack(tmp_path: Path, make: Any, message: str) -> None:
    licensed = tmp_path / "licensed"
    licensed.mkdir()
    make(licensed)
    started = _start({"NURTURE_LICENSED_PACKS_DIR": str(licensed)})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and message in started.stderr


def test_start_up_with_a_good_licensed_pack(tmp_path: Path) -> None:
    licensed = tmp_path / "licensed"
    licensed.mkdir()
    (licensed / "epds-1.toml").write_text(epds_text())
    started = _start({"NURTURE_LICENSED_PACKS_DIR": str(licensed)})
    assert started.returncode == 0, started.stderr
