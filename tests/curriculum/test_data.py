"""The shipped curriculum data is valid, and broken data files are rejected with a message
that names the file and the field."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nurture.curriculum import loader, rules
from nurture.curriculum.models import RoutineKind
from tests.curriculum.conftest import replace_in

ROUTINE_ORDER = [
    "legs-and-feet",
    "tummy",
    "chest",
    "arms-and-hands",
    "face",
    "back",
    "gentle-movements",
]


@pytest.fixture(scope="module")
def content() -> loader.Content:
    return loader.read_content()


def test_areas_come_in_full_routine_order(content: loader.Content) -> None:
    assert [area.slug for area in sorted(content.areas, key=lambda a: a.order)] == ROUTINE_ORDER
    assert content.version


def test_every_stroke_has_steps_a_direction_and_a_diagram(content: loader.Content) -> None:
    slugs = [stroke.slug for stroke in content.strokes]
    assert len(slugs) == len(set(slugs)) >= 40
    for stroke in content.strokes:
        assert stroke.steps and all(step.strip() for step in stroke.steps), stroke.slug
        assert stroke.direction and stroke.repetitions >= 1
        assert (rules.STATIC_DIR / stroke.diagram).is_file()


def test_tummy_and_face_carry_their_cautions(content: loader.Content) -> None:
    areas = {area.slug: area for area in content.areas}
    tummy = " ".join(areas["tummy"].cautions).lower()
    assert "clockwise" in tummy and "cord" in tummy and "feed" in tummy
    face = " ".join(areas["face"].cautions).lower()
    assert "light touch" in face and "blocked nose" in face and "cold" in face
    assert areas["face"].uses_oil is False
    assert areas["back"].position == "on_tummy"


def test_every_week_plan_names_real_areas_strokes_rituals_and_routines(
    content: loader.Content,
) -> None:
    known = rules.Known(
        areas=frozenset(area.slug for area in content.areas),
        strokes=frozenset(stroke.slug for stroke in content.strokes),
        rituals=frozenset(ritual.slug for ritual in content.rituals),
        routines=frozenset(routine.slug for routine in content.routines),
    )
    assert content.plans
    for plan in content.plans:
        assert rules.week_problems(plan.weeks, known) == [], plan.slug
        learnt = {slug for week in plan.weeks.values() for slug in week.get("areas", [])}
        assert learnt == set(ROUTINE_ORDER), f"{plan.slug} should reach the full body"


def test_the_default_plan_is_the_usual_five_weeks(content: loader.Content) -> None:
    (default,) = [plan for plan in content.plans if plan.is_default]
    assert [default.weeks[str(n)]["areas"] for n in range(1, 6)] == [
        ["legs-and-feet"],
        ["tummy"],
        ["chest", "arms-and-hands"],
        ["face", "back"],
        ["gentle-movements"],
    ]
    assert "colic-relief" in default.weeks["2"]["routines"]
    assert set(default.weeks["1"]["rituals"]) >= {"asking-permission", "resting-hands"}


def test_every_routine_names_real_strokes_and_rituals(content: loader.Content) -> None:
    strokes = {stroke.slug for stroke in content.strokes}
    rituals = {ritual.slug for ritual in content.rituals}
    kinds = {routine.kind for routine in content.routines}
    assert kinds == set(RoutineKind.values)
    for routine in content.routines:
        assert routine.steps, routine.slug
        for step in routine.steps:
            assert (step.stroke in strokes) != (step.ritual in rituals), routine.slug


def test_the_colic_routine_has_its_twice_daily_plan(content: loader.Content) -> None:
    colic = next(routine for routine in content.routines if routine.kind == "colic")
    assert (colic.repeat_cycles, colic.times_per_day, colic.minimum_days) == (3, 2, 14)
    assert [step.stroke or step.ritual for step in colic.steps] == [
        "resting-hands",
        "tummy-water-wheel",
        "gentle-knees-to-tummy",
        "tummy-sun-and-moon",
        "gentle-knees-to-tummy",
    ]
    assert any("clockwise" in caution for caution in colic.cautions)


def test_full_body_routine_follows_the_area_order(content: loader.Content) -> None:
    area_of = {stroke.slug: stroke.area for stroke in content.strokes}
    full = next(routine for routine in content.routines if routine.kind == "full_body")
    areas: list[str] = []
    for step in full.steps:
        if step.stroke and (not areas or areas[-1] != area_of[step.stroke]):
            areas.append(area_of[step.stroke])
    assert areas == ROUTINE_ORDER[:6]
    assert full.steps[0].ritual == "asking-permission"
    assert full.steps[-1].ritual == "closing-integration"


@pytest.mark.parametrize("path", sorted(rules.STATIC_DIR.glob("*.svg")), ids=lambda p: p.name)
def test_diagrams_are_accessible_standalone_svgs(path: Path) -> None:
    root = ET.fromstring(path.read_text())  # noqa: S314 - our own files
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    text = path.read_text()
    assert "<script" not in text and "style=" not in text and 'href="http' not in text


def test_every_area_has_its_own_diagram(content: loader.Content) -> None:
    assert len({area.diagram for area in content.areas}) == len(content.areas)


BROKEN = [
    (
        "areas/02-tummy.toml",
        'steps = [\n  "Lay the side of one hand',
        'steps = []\nold_steps = [\n  "Lay the side of one hand',
        "stroke[1].steps",
    ),
    (
        "areas/02-tummy.toml",
        'direction = "downward"',
        'direction = "sideways"',
        "stroke[1].direction",
    ),
    ("areas/03-chest.toml", 'diagram = "chest.svg"', 'diagram = "missing.svg"', "area.diagram"),
    ("areas/03-chest.toml", 'slug = "chest-butterfly"', 'slug = "tummy-walking"', "stroke[2].slug"),
    (
        "areas/03-chest.toml",
        'slug = "chest-butterfly"',
        'slug = "Chest Butterfly"',
        "stroke[2].slug",
    ),
    ("areas/03-chest.toml", "order = 3", "order = 2", "area.order"),
    ("areas/03-chest.toml", 'name = "Butterfly"', 'nmae = "Butterfly"', "stroke[2].nmae"),
    ("week_plans/five-week.toml", 'areas = ["tummy"]', 'areas = ["belly"]', "weeks.2.areas"),
    (
        "week_plans/five-week.toml",
        'strokes = ["gentle-knees-to-tummy"]',
        'strokes = ["nope"]',
        "weeks.2.strokes",
    ),
    ("week_plans/five-week.toml", '"touch-relaxation",', '"touch-relax",', "weeks.1.rituals"),
    ("week_plans/five-week.toml", "[weeks.3]", "[weeks.4b]", "weeks"),
    ("week_plans/five-week.toml", 'strokes = ["gentle-knees-to-tummy"]', "", "weeks.2.routines"),
    ("week_plans/four-week.toml", "default = false", "default = true", "default"),
    ("routines.toml", '"stroke:back-combing"', '"stroke:back-brushing"', "routine[8].steps[9]"),
    ("routines.toml", '"area:tummy"', '"area:belly"', "routine[1].steps[5]"),
    ("routines.toml", 'kind = "colic"', 'kind = "colicky"', "routine[9].kind"),
    ("rituals.toml", 'slug = "touch-relaxation"', 'slug = "resting-hands"', "ritual[3].slug"),
    ("curriculum.toml", 'version = "1.0"', 'version = ""', "version"),
    ("rituals.toml", "[[ritual]]", "[[ritual]\n", "(file)"),
]


@pytest.mark.parametrize(("file", "old", "new", "field"), BROKEN)
def test_loader_rejects_broken_files_naming_the_file_and_field(
    data_dir: Path, file: str, old: str, new: str, field: str
) -> None:
    replace_in(data_dir / file, old, new)
    with pytest.raises(loader.CurriculumDataError) as caught:
        loader.read_content(data_dir)
    assert (file if file != "week_plans/four-week.toml" else "week_plans/", field) in [
        (f, n) for f, n, _ in caught.value.problems
    ], str(caught.value)
    assert field in str(caught.value)


def test_the_command_reports_the_file_and_field(data_dir: Path) -> None:
    replace_in(data_dir / "areas/05-face.toml", 'name = "Open book"', 'name = ""')
    with pytest.raises(CommandError) as caught:
        call_command("load_curriculum", "--check", "--data-dir", str(data_dir))
    assert "areas/05-face.toml: stroke[1].name" in str(caught.value)


def test_check_mode_accepts_the_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_curriculum", "--check")
    assert "valid" in capsys.readouterr().out
