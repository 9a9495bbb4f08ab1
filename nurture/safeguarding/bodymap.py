"""The body map for safeguarding concerns: a fixed list of regions, front and back.

Codes are stored, never drawings, so a concern reads the same on every screen and in reports.
"Left" and "right" are the baby's own left and right.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    code: str
    side: str  # "front" or "back"
    label: str


_FRONT = (
    ("head", "Head"),
    ("face", "Face"),
    ("neck", "Neck"),
    ("chest", "Chest"),
    ("tummy", "Tummy"),
    ("left_arm", "Left arm"),
    ("right_arm", "Right arm"),
    ("left_hand", "Left hand"),
    ("right_hand", "Right hand"),
    ("nappy_area", "Nappy area"),
    ("left_leg", "Left leg"),
    ("right_leg", "Right leg"),
    ("left_foot", "Left foot"),
    ("right_foot", "Right foot"),
)
_BACK = (
    ("head", "Back of the head"),
    ("neck", "Back of the neck"),
    ("back", "Back"),
    ("left_arm", "Left arm"),
    ("right_arm", "Right arm"),
    ("left_hand", "Left hand"),
    ("right_hand", "Right hand"),
    ("buttocks", "Buttocks"),
    ("left_leg", "Left leg"),
    ("right_leg", "Right leg"),
    ("left_foot", "Left foot (sole)"),
    ("right_foot", "Right foot (sole)"),
)

REGIONS: tuple[Region, ...] = tuple(
    Region(code=f"{side}_{code}", side=side, label=label)
    for side, regions in (("front", _FRONT), ("back", _BACK))
    for code, label in regions
)
BY_CODE = {region.code: region for region in REGIONS}


def label_of(code: str) -> str:
    region = BY_CODE.get(code)
    return f"{region.label} ({region.side})" if region else code
