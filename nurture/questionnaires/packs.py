"""Questionnaire packs: reading and checking the TOML files that describe each instrument.

Packs come from two places: ``data/`` in this app (what Nurture ships: PHQ-9, GAD-7 and our
course-feedback form) and the directory named by ``NURTURE_LICENSED_PACKS_DIR`` (packs a
provider holds under licence, such as the EPDS, whose item text must never enter this
repository). Both are read and checked at start-up (``apps.py``); any problem stops start-up
with a message naming the file and the field.

Packs are keyed by (key, version). Keep the file of every version that was ever used: a stored
response names its version, and re-scoring it needs that version's options and thresholds.

A pack, field by field (``[[...]]`` are TOML arrays of tables)::

    key = "phq9"                    # lower-case letters, digits, hyphens
    version = "1"                   # a new version for any change to wording or scoring
    name = "..."                    # for staff
    parent_title = "..."            # optional: what parents see instead of the name
    licence = "..."                 # the terms it is used under
    citation = "..."
    recall = "Over the last 2 weeks, ..."   # shown before the first question
    online_only = true              # required when there are safety items
    referral_threshold = 10         # optional: a total at or above this raises an alert
    safety_items = [9]              # optional: any score above 0 raises an alert
    reverse_scored = []             # optional: items scored from the other end of the scale
    [scale]                         # the scores options may carry
    min = 0
    max = 3
    [[options]]                     # shared answer options, for items that list none
    label = "Not at all"
    score = 0
    [[item]]                        # the questions, numbered 1, 2, 3... in order
    number = 1
    text = "..."
    scored = true                   # optional; unscored items are optional to answer
    options = [{ label = "...", score = 0 }, ...]   # optional: this item's own options
    [[subscale]]                    # optional
    key = "..."
    name = "..."
    items = [1, 2]
    referral_threshold = 3          # optional
    [[band]]                        # optional severity bands, covering every total once
    min = 0
    max = 4
    label = "Minimal"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

from nurture.lib.errors import DomainError
from nurture.lib.toml import FileProblem, TomlTable, read_toml
from nurture.questionnaires import licensed as licensed_rules
from nurture.questionnaires.instruments import Band, Instrument, Item, Option, Subscale

DATA_DIR = Path(__file__).resolve().parent / "data"
REPO_ROOT = Path(__file__).resolve().parents[2]
LICENSED_SETTING = "NURTURE_LICENSED_PACKS_DIR"
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
TOP_FIELDS = (
    "key", "version", "name", "parent_title", "licence", "citation", "recall", "online_only",
    "referral_threshold", "safety_items", "reverse_scored", "scale", "options", "item",
    "subscale", "band",
)  # fmt: skip


class PackError(DomainError):
    """Packs that are not valid; ``problems`` lists (file, field, message)."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__({f"{file}: {name}": message for file, name, message in problems})

    def __str__(self) -> str:
        lines = [f"  {file}: {name}: {message}" for file, name, message in self.problems]
        return "The questionnaire packs have problems:\n" + "\n".join(lines)


def _required_number(row: TomlTable, key: str, *, low: int, high: int) -> int | None:
    if key not in row.table:
        row.note(key, f"required: a whole number from {low} to {high}.")
        return None
    return row.number(key, default=None, low=low, high=high)


def _numbers(row: TomlTable, key: str) -> list[int]:
    value = row.table.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(number, int) and not isinstance(number, bool) for number in value
    ):
        row.note(key, "give a list of question numbers, e.g. [9].")
        return []
    if len(set(value)) != len(value):
        row.note(key, "a question number is listed more than once.")
    return list(dict.fromkeys(value))


def _options(
    file: str, where: str, raw: Any, problems: list[FileProblem], scale: tuple[int, int]
) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append((file, where, "give at least two answer options."))
        return ()
    options = []
    for index, entry in enumerate(raw, start=1):
        row = TomlTable(file, f"{where}[{index}]", entry, problems)
        row.allow("label", "score")
        label = row.text("label", limit=200)
        score = _required_number(row, "score", low=scale[0], high=scale[1])
        options.append(Option(label=label, score=score if score is not None else scale[0]))
    labels = [option.label for option in options]
    if len(set(labels)) != len(labels):
        problems.append((file, where, "two answer options have the same label."))
    return tuple(options)


def _items(
    file: str, data: dict[str, Any], problems: list[FileProblem], scale: tuple[int, int]
) -> list[Item]:
    shared: tuple[Option, ...] = ()
    if "options" in data:
        shared = _options(file, "options", data["options"], problems, scale)
    raw_items = data.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append((file, "item", "give the questions as [[item]] tables."))
        return []
    items = []
    for index, raw in enumerate(raw_items, start=1):
        row = TomlTable(file, f"item[{index}]", raw, problems)
        row.allow("number", "text", "scored", "options")
        number = _required_number(row, "number", low=1, high=200)
        if number is not None and number != index:
            row.note("number", f"number the questions 1, 2, 3... in order; expected {index}.")
        text = row.text("text", limit=1000)
        scored = row.flag("scored", True)
        if "options" in row.table:
            options = _options(file, row.name("options"), row.table["options"], problems, scale)
        elif shared:
            options = shared
        else:
            row.note("options", "every question needs answer options: give them here or as "
                     "shared [[options]] at the top of the pack.")  # fmt: skip
            options = ()
        items.append(Item(number=index, text=text, options=options, scored=scored))
    if not any(item.scored for item in items):
        problems.append((file, "item", "at least one question must be scored."))
    return items


def _check_numbers(
    row: TomlTable, key: str, numbers: list[int], scored: set[int], *, what: str = "scored question"
) -> None:
    for number in numbers:
        if number not in scored:
            row.note(key, f"there is no {what} {number}.")


def _rows(
    file: str, data: dict[str, Any], key: str, problems: list[FileProblem], *fields: str
) -> list[TomlTable]:
    """The optional array of tables ``[[key]]``, each table limited to ``fields``."""
    raw = data.get(key, [])
    if not isinstance(raw, list):
        problems.append((file, key, f"give these as [[{key}]] tables."))
        return []
    rows = [TomlTable(file, f"{key}[{i}]", entry, problems) for i, entry in enumerate(raw, start=1)]
    for row in rows:
        row.allow(*fields)
    return rows


def _subscales(
    file: str, data: dict[str, Any], problems: list[FileProblem], scored: set[int]
) -> list[tuple[TomlTable, Subscale]]:
    found = []
    for row in _rows(
        file, data, "subscale", problems, "key", "name", "items", "referral_threshold"
    ):
        items = _numbers(row, "items")
        if not items:
            row.note("items", "list the questions this subscale adds up.")
        _check_numbers(row, "items", items, scored)
        threshold = row.number("referral_threshold", default=None, low=0, high=10_000)
        found.append(
            (
                row,
                Subscale(
                    key=row.slug("key"),
                    name=row.text("name", limit=120),
                    items=tuple(items),
                    referral_threshold=threshold,
                ),
            )
        )
    keys = [subscale.key for _, subscale in found]
    if len(set(keys)) != len(keys):
        problems.append((file, "subscale", "two subscales have the same key."))
    return found


def _bands(file: str, data: dict[str, Any], problems: list[FileProblem]) -> list[Band]:
    bands = []
    for row in _rows(file, data, "band", problems, "min", "max", "label"):
        low = _required_number(row, "min", low=0, high=10_000)
        high = _required_number(row, "max", low=0, high=10_000)
        label = row.text("label", limit=80)
        if low is not None and high is not None:
            if low > high:
                row.note("max", "must not be below min.")
            bands.append(Band(low=low, high=high, label=label))
    return bands


def _check_bands(
    file: str, bands: list[Band], total: tuple[int, int], problems: list[FileProblem]
) -> None:
    """Bands run from the lowest to the highest possible total, with no gap or overlap."""
    if not bands:
        return
    low, high = total
    if bands[0].low != low:
        problems.append((file, "band[1].min", f"the first band must start at {low}, the lowest "
                         "possible total."))  # fmt: skip
    for index, (before, after) in enumerate(pairwise(bands), start=2):
        if after.low <= before.high:
            problems.append((file, f"band[{index}].min", f"overlaps band {index - 1}, which "
                             f"ends at {before.high}."))  # fmt: skip
        elif after.low > before.high + 1:
            problems.append((file, f"band[{index}].min", f"leaves a gap: totals "
                             f"{before.high + 1} to {after.low - 1} are in no band."))  # fmt: skip
    if bands[-1].high != high:
        problems.append((file, f"band[{len(bands)}].max", f"the last band must end at {high}, "
                         "the highest possible total."))  # fmt: skip
    labels = [band.label for band in bands]
    if len(set(labels)) != len(labels):
        problems.append((file, "band", "two bands have the same label."))


def _check_threshold(
    row: TomlTable, key: str, threshold: int | None, span: tuple[int, int]
) -> None:
    if threshold is not None and not span[0] < threshold <= span[1]:
        row.note(key, f"must be above {span[0]} and at most {span[1]}, the possible totals.")


def read_pack(
    path: Path, root: Path, problems: list[FileProblem], *, licensed: bool
) -> Instrument | None:
    """One pack file, checked; None (with problems noted) when it is not valid."""
    before = len(problems)
    file, data = read_toml(path, root, problems)
    if len(problems) > before:
        return None
    top = TomlTable(file, "", data, problems)
    top.allow(*TOP_FIELDS)
    key = top.slug("key")
    version = top.text("version", limit=20)
    if version and not VERSION.match(version):
        top.note("version", "use letters, digits, dots and hyphens, e.g. '1' or '2025.1'.")
    scale_table = TomlTable(file, "scale", data.get("scale"), problems)
    scale_table.allow("min", "max")
    scale_min = scale_table.number("min", default=0, low=0, high=10) or 0
    scale_max = _required_number(scale_table, "max", low=1, high=10) or scale_min + 1
    if scale_max <= scale_min:
        scale_table.note("max", "must be above min.")
    items = _items(file, data, problems, (scale_min, scale_max))
    scored = {item.number for item in items if item.scored}
    reverse = _numbers(top, "reverse_scored")
    _check_numbers(top, "reverse_scored", reverse, scored)
    safety = _numbers(top, "safety_items")
    _check_numbers(top, "safety_items", safety, scored)
    online_only = top.flag("online_only", False)
    if safety and not online_only:
        top.note("online_only", "a questionnaire with safety items is answered online only: "
                 "set online_only = true.")  # fmt: skip
    subscales = _subscales(file, data, problems, scored)
    bands = _bands(file, data, problems)
    threshold = top.number("referral_threshold", default=None, low=0, high=10_000)
    name = top.text("name", limit=120)
    instrument = Instrument(
        key=key,
        version=version,
        name=name,
        parent_title=top.text("parent_title", limit=120, required=False) or name,
        licence=top.text("licence", limit=1000),
        citation=top.text("citation", limit=1000),
        recall=top.text("recall", limit=1000),
        scale_min=scale_min,
        scale_max=scale_max,
        items=tuple(items),
        reverse_scored=frozenset(reverse),
        subscales=tuple(subscale for _, subscale in subscales),
        bands=tuple(bands),
        referral_threshold=threshold,
        safety_items=frozenset(safety),
        online_only=online_only,
        licensed=licensed,
        file=file,
    )
    if len(problems) > before:
        return None
    _check_bands(file, bands, instrument.total_range, problems)
    _check_threshold(top, "referral_threshold", threshold, instrument.total_range)
    for row, subscale in subscales:
        span = instrument.range_of(subscale.items)
        _check_threshold(row, "referral_threshold", subscale.referral_threshold, span)
    problems.extend((file, name, message) for name, message in licensed_rules.check(instrument))
    return instrument if len(problems) == before else None


def _natural(version: str) -> tuple[tuple[int, int | str], ...]:
    parts = re.split(r"[._-]", version)
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts)


class Registry:
    """Every loaded pack version, by (key, version)."""

    def __init__(self, instruments: Iterable[Instrument]) -> None:
        self._packs = {(i.key, i.version): i for i in instruments}

    def get(self, key: str, version: str) -> Instrument | None:
        return self._packs.get((key, version))

    def versions(self, key: str) -> list[Instrument]:
        found = [i for (k, _), i in self._packs.items() if k == key]
        return sorted(found, key=lambda instrument: _natural(instrument.version))

    def latest(self, key: str) -> Instrument | None:
        versions = self.versions(key)
        return versions[-1] if versions else None

    def current(self) -> list[Instrument]:
        """The latest version of each instrument, by name."""
        latest = {key: self.latest(key) for key, _ in self._packs}
        return sorted((i for i in latest.values() if i is not None), key=lambda i: (i.name, i.key))

    def __len__(self) -> int:
        return len(self._packs)


def _read_dir(
    directory: Path, root: Path, problems: list[FileProblem], *, licensed: bool
) -> list[Instrument]:
    found = []
    for path in sorted(directory.glob("*.toml")):
        instrument = read_pack(path, root, problems, licensed=licensed)
        if instrument is not None:
            found.append(instrument)
    return found


def load(*, shipped_dir: Path | None = None, licensed_dir: Path | None = None) -> Registry:
    """Read and check every pack; raise ``PackError`` listing every problem found."""
    problems: list[FileProblem] = []
    shipped_dir = shipped_dir or DATA_DIR
    root = REPO_ROOT if shipped_dir.is_relative_to(REPO_ROOT) else shipped_dir.parent
    instruments = _read_dir(shipped_dir, root, problems, licensed=False)
    for instrument in instruments:
        if instrument.key in licensed_rules.NEVER_SHIPPED:
            problems.append((instrument.file, "key", licensed_rules.NEVER_SHIPPED[instrument.key]))
    if licensed_dir is not None:
        own = _read_dir(licensed_dir, licensed_dir.parent, problems, licensed=True)
        if not own and not any(p[0].startswith(licensed_dir.name) for p in problems):
            problems.append(
                (str(licensed_dir), LICENSED_SETTING, "names a directory with no .toml packs.")
            )
        instruments += own
    seen: dict[tuple[str, str], str] = {}
    for instrument in instruments:
        where = seen.setdefault((instrument.key, instrument.version), instrument.file)
        if where != instrument.file:
            problems.append((instrument.file, "version", f"{instrument.key} version "
                             f"{instrument.version} is already in {where}."))  # fmt: skip
    if problems:
        raise PackError(problems)
    return Registry(instruments)


_registry: Registry | None = None


def reload() -> Registry:
    """Load every pack again, with licensed packs from ``NURTURE_LICENSED_PACKS_DIR`` (at
    start-up, and in tests after changing that setting)."""
    from django.conf import settings

    global _registry
    _registry = load(licensed_dir=getattr(settings, LICENSED_SETTING, None))
    return _registry


def registry() -> Registry:
    return _registry if _registry is not None else reload()
