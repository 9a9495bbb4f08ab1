"""What a questionnaire is, as plain data: the shape every content pack is read into.

No Django here. ``packs.py`` builds these from the TOML files and checks them; ``scoring.py``
scores answers with them. A parent's answer to an item is the *position* of the option they
chose (0 for the first option listed), so what is stored is exactly what was picked; the
score of that option comes from the pack version it was answered on.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    label: str
    score: int
    """The option's score as listed, before any reversal for reverse-scored items."""


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    options: tuple[Option, ...]
    scored: bool = True
    """Unscored items (PHQ-9's "how difficult") are optional and count towards no total."""


@dataclass(frozen=True)
class Subscale:
    key: str
    name: str
    items: tuple[int, ...]
    referral_threshold: int | None = None


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    name: str
    parent_title: str
    licence: str
    citation: str
    recall: str
    """What the questions ask about, e.g. "Over the last 2 weeks, ...": shown before item 1."""
    scale_min: int
    scale_max: int
    items: tuple[Item, ...]
    reverse_scored: frozenset[int] = frozenset()
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    referral_threshold: int | None = None
    safety_items: frozenset[int] = frozenset()
    online_only: bool = False
    licensed: bool = False
    """Installed by the provider from a file it holds under licence (never in the repo)."""
    file: str = field(default="", compare=False)

    def item(self, number: int) -> Item | None:
        return next((item for item in self.items if item.number == number), None)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    def option_score(self, item: Item, option: Option) -> int:
        """The score an option counts for: reverse-scored items count from the other end."""
        if item.number in self.reverse_scored:
            return self.scale_min + self.scale_max - option.score
        return option.score

    def item_range(self, item: Item) -> tuple[int, int]:
        scores = [self.option_score(item, option) for option in item.options]
        return min(scores), max(scores)

    def range_of(self, numbers: tuple[int, ...]) -> tuple[int, int]:
        """Lowest and highest possible sum over the given items."""
        ranges = [self.item_range(item) for item in self.items if item.number in numbers]
        return sum(low for low, _ in ranges), sum(high for _, high in ranges)

    @property
    def total_range(self) -> tuple[int, int]:
        return self.range_of(tuple(item.number for item in self.scored_items))
