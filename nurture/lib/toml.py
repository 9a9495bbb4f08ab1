"""Reading data files written in TOML (curriculum content, questionnaire packs), with every
problem noted against its file and field so one run reports them all.

Pure: no Django, no database. Fields are named as people read them, numbered from 1 in file
order (``stroke[3].steps``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FileProblem = tuple[str, str, str]  # file, field, message
Problem = tuple[str, str]  # field, message

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug_problems(value: Any, name: str = "slug") -> list[Problem]:
    if not isinstance(value, str) or not SLUG.match(value):
        return [(name, "use lower-case letters, digits and single hyphens, e.g. 'open-book'.")]
    return []


def text_list_problems(value: Any, name: str) -> list[Problem]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        return [(name, "give a list of sentences (it may be empty).")]
    return []


def read_toml(path: Path, root: Path, problems: list[FileProblem]) -> tuple[str, dict[str, Any]]:
    """The file's name relative to ``root`` and its parsed tables (empty, with a problem
    noted, when it is missing or not valid TOML)."""
    file = path.relative_to(root).as_posix()
    try:
        return file, tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append((file, "(file)", "the file is missing."))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append((file, "(file)", f"not valid TOML: {error}."))
    return file, {}


class TomlTable:
    """Typed values from one TOML table; each problem is noted against its file and field."""

    def __init__(self, file: str, where: str, table: Any, problems: list[FileProblem]) -> None:
        self.file, self.where, self.problems = file, where, problems
        self.table: dict[str, Any] = table if isinstance(table, dict) else {}
        if not isinstance(table, dict):
            self.note("", "expected a table of fields.")

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where and key else key or self.where

    def note(self, key: str, message: str) -> None:
        self.problems.append((self.file, self.name(key), message))

    def note_all(self, found: Iterable[Problem]) -> None:
        """Record problems a shape rule returned as (field, message) pairs."""
        self.problems.extend((self.file, name, message) for name, message in found)

    def allow(self, *keys: str) -> None:
        for key in sorted(set(self.table) - set(keys)):
            self.note(key, f"unknown field; expected one of: {', '.join(keys)}.")

    def text(self, key: str, *, limit: int | None = None, required: bool = True) -> str:
        value = self.table.get(key, "" if not required else None)
        if not isinstance(value, str) or (required and not value.strip()):
            self.note(key, "required text is missing." if value is None else "must be text.")
            return ""
        if limit and len(value) > limit:
            self.note(key, f"keep it to {limit} characters.")
        return value.strip()

    def slug(self, key: str = "slug") -> str:
        value = self.table.get(key)
        self.note_all(slug_problems(value, self.name(key)))
        return value if isinstance(value, str) else ""

    def number(self, key: str, *, default: int | None, low: int = 0, high: int = 999) -> int | None:
        value = self.table.get(key, default)
        if value is None and default is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.note(key, f"must be a whole number from {low} to {high}.")
            return default
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            self.note(key, "must be true or false.")
            return default
        return value

    def choice(self, key: str, choices: Iterable[str]) -> str:
        allowed = list(choices)
        value = self.table.get(key)
        if value not in allowed:
            self.note(key, f"must be one of: {', '.join(allowed)}.")
            return ""
        return str(value)

    def sentences(self, key: str) -> list[str]:
        value = self.table.get(key, [])
        found = text_list_problems(value, self.name(key))
        self.note_all(found)
        return [item.strip() for item in value] if not found else []
