"""Synthetic home practice: guided sessions with their cue events, and diary entries.

Each session follows the guided engine's rules (``practice/engine.py``): strokes in curriculum
order; a "not sure" pauses and repeats the stroke, a second one ends the strokes early; an
"upset" stops the session and is its last cue event. Each baby has areas it likes less and a
calmer time of day, so "what this baby enjoys" and "best times" have something to find.
Sequences run 1..n within a session. Readiness results are real ``readiness.assess`` output.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Callable, Hashable
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from nurture.curriculum import loader
from nurture.devdata import synthetic_data as data
from nurture.devdata.synthetic_sink import JsonText, Sink
from nurture.practice.models import CueEvent, DiaryEntry, PracticeSession
from nurture.practice.readiness import Answers, assess

UTC = ZoneInfo("UTC")
BASE_UPSET = 0.03
BASE_NOT_SURE = 0.11
EMPTY = JsonText("{}")
EMPTY_LIST = JsonText("[]")


def _readiness_templates() -> dict[str, dict[str, Any]]:
    return {
        "go": assess(Answers()).to_dict(),
        "go-fed-45": assess(Answers(since_feed=timedelta(minutes=45))).to_dict(),
        "skip-tummy": assess(Answers(tummy_upset=True)).to_dict(),
        "skip-face": assess(Answers(sore_skin_areas=("face",))).to_dict(),
        "defer-unwell": assess(Answers(unwell=True)).to_dict(),
        "defer-immunisation": assess(Answers(since_immunisation=timedelta(hours=20))).to_dict(),
    }


class Baby:
    """What one synthetic baby is like: areas it likes less, and its calmer time of day."""

    def __init__(self, rng: random.Random, areas: list[str]) -> None:
        self.dislike = {area: rng.choice((0.5, 0.8, 1.0, 1.0, 1.5, 2.5)) for area in areas}
        self.calm_band = rng.randrange(len(data.TIME_BANDS))


class PracticeMaker:
    def __init__(self, sink: Sink, new_uuid: Callable[[Hashable], str], tz: ZoneInfo) -> None:
        self.sink = sink
        self.new_uuid = new_uuid
        self.tz = tz
        content = loader.read_content()
        self.areas = [area.slug for area in sorted(content.areas, key=lambda a: a.order)]
        self.strokes = {
            area.slug: [s.slug for s in sorted(area.strokes, key=lambda s: s.order)]
            for area in content.areas
        }
        self.readiness = {
            name: JsonText(json.dumps(value)) for name, value in _readiness_templates().items()
        }
        self.band_weights = [band[2] for band in data.TIME_BANDS]
        self.band_edges = list(accumulate(self.band_weights))
        # (area, stroke slug, step id) per area, in order.
        self.steps = {
            area: [(area, slug, f"stroke:{area}:{index}") for index, slug in enumerate(slugs)]
            for area, slugs in self.strokes.items()
        }
        self.details = {
            "happy": [JsonText(json.dumps({"signs": [sign], "crying_reason": None}))
                      for sign in data.COMFORTABLE_SIGNS],
            "not_sure": [JsonText(json.dumps({"signs": [sign], "crying_reason": None}))
                         for sign in data.SUBTLE_SIGNS],
            "upset": [JsonText(json.dumps({"signs": [sign], "crying_reason": None}))
                      for sign in data.STRONG_SIGNS]
            + [JsonText(json.dumps({"signs": ["crying"], "crying_reason": reason}))
               for reason in data.CRYING_REASONS],
        }  # fmt: skip

    # --- sessions ---------------------------------------------------------------------

    def plan(
        self, rng: random.Random, strokes_wanted: int, skip: str = "", *, full: bool = False
    ) -> list[tuple[str, str, str]]:
        """(area, stroke, step id) in order: a run of areas from a random start (``full``:
        every stroke of every area, from the legs)."""
        areas = [area for area in self.areas if area != skip]
        first = 0 if full else int(rng.random() * len(areas))
        chosen: list[tuple[str, str, str]] = []
        for area in areas[first:] + areas[:first]:
            steps = self.steps[area]
            chosen.extend(steps if full else steps[: 2 + int(rng.random() * 4)])
            if len(chosen) >= strokes_wanted:
                break
        return chosen[:strokes_wanted]

    def local_start(self, rng: random.Random, day: date, baby: Baby) -> tuple[datetime, int]:
        band = bisect(self.band_edges, rng.random() * self.band_edges[-1])
        band = min(band, len(self.band_edges) - 1)
        if rng.random() < 0.25:
            band = baby.calm_band
        first, last, _ = data.TIME_BANDS[band]
        second = int(rng.random() * 3600 * (last - first + 1))
        local = datetime(day.year, day.month, day.day, first, tzinfo=self.tz) + timedelta(
            seconds=second
        )
        return local.astimezone(UTC), band

    def session(
        self,
        rng: random.Random,
        *,
        baby_id: str,
        carer_id: str,
        baby: Baby,
        day: date,
        strokes_wanted: int,
        full: bool = False,
    ) -> int:
        """One session and its cue events; returns the number of cue events."""
        started, band = self.local_start(rng, day, baby)
        random_ = rng.random
        roll = random_()
        session_id = self.new_uuid(PracticeSession)
        ending = ""
        for reason, share in data.STOP_REASONS:
            if roll < share:
                ending = reason
                break
            roll -= share
        if ending in ("not_now", "deferred"):
            readiness = self.readiness["go"]
            if ending == "deferred":
                readiness = self.readiness[
                    "defer-unwell" if random_() < 0.5 else "defer-immunisation"
                ]
            ended = started + timedelta(seconds=30 + int(random_() * 120))
            self._session_row(session_id, baby_id, carer_id, started, ended, "stopped", ending,
                              [], [], readiness)  # fmt: skip
            return 0
        kind = random_()
        skip = ""
        # About four in ten sessions start 30 to 60 minutes after a feed; the rest later.
        readiness = self.readiness["go-fed-45" if kind > 0.6 else "go"]
        if kind < 0.04:
            skip, readiness = "tummy", self.readiness["skip-tummy"]
        elif kind < 0.06:
            skip, readiness = "face", self.readiness["skip-face"]
        plan = self.plan(rng, strokes_wanted, skip, full=full)
        stop_at = int(random_() * len(plan)) if ending == "parent_stopped" else -1
        calm = 0.6 if band == baby.calm_band else 1.15
        upset_below = {area: BASE_UPSET * w * calm for area, w in baby.dislike.items()}
        unsure_below = {
            area: (BASE_UPSET + BASE_NOT_SURE) * w * calm for area, w in baby.dislike.items()
        }
        seconds = 40 + int(random_() * 80)
        sequence = 0
        outcome, stop_reason = "completed", ""
        areas: list[str] = []
        strokes: list[str] = []
        index = 0
        mixed = False
        add = self.sink.add
        new_uuid = self.new_uuid
        details = self.details
        empty = EMPTY
        while index < len(plan):
            if index == stop_at:
                outcome, stop_reason = "stopped", "parent_stopped"
                break
            area, stroke, step = plan[index]
            roll = random_()
            detail_roll = random_()
            if roll < upset_below[area]:
                cue = "upset"
                detail = details[cue][int(detail_roll * 18) % 9] if detail_roll < 0.6 else empty
            elif roll < unsure_below[area]:
                cue = "not_sure"
                detail = details[cue][int(detail_roll * 20) % 6] if detail_roll < 0.3 else empty
            else:
                cue = "happy"
                detail = details[cue][int(detail_roll * 33) % 5] if detail_roll < 0.15 else empty
            sequence += 1
            seconds += 25 + int(random_() * 66)
            add(
                CueEvent,
                (new_uuid(CueEvent), session_id, sequence, step, area, stroke, cue, detail,
                 started + timedelta(seconds=seconds)),
            )  # fmt: skip
            if area not in areas:
                areas.append(area)
            strokes.append(stroke)
            if cue == "upset":
                outcome, stop_reason = "stopped", "stress"
                break
            if cue == "not_sure":
                if mixed:
                    outcome, stop_reason = "stopped", "ended_early"
                    break
                mixed = True
                outcome = "paused_and_resumed"
                seconds += 20 + int(random_() * 40)
                continue  # the same stroke again after a pause
            mixed = False
            index += 1
        seconds += 60 + int(random_() * 140) if outcome != "stopped" else 15
        ended = started + timedelta(seconds=seconds)
        self._session_row(session_id, baby_id, carer_id, started, ended, outcome, stop_reason,
                          areas, strokes, readiness)  # fmt: skip
        return sequence

    def _session_row(
        self,
        session_id: str,
        baby_id: str,
        carer_id: str,
        started: datetime,
        ended: datetime,
        outcome: str,
        stop_reason: str,
        areas: list[str],
        strokes: list[str],
        readiness: str,
    ) -> None:
        duration = int((ended - started).total_seconds())
        # Slugs need no escaping, so the JSON arrays are joined directly (millions of rows).
        areas_json = JsonText('["' + '","'.join(areas) + '"]') if areas else EMPTY_LIST
        strokes_json = JsonText('["' + '","'.join(strokes) + '"]') if strokes else EMPTY_LIST
        created = ended + timedelta(seconds=5)
        self.sink.add(
            PracticeSession,
            (session_id, baby_id, carer_id, started, ended, outcome, stop_reason, areas_json,
             strokes_json, readiness, duration, "", created),
        )  # fmt: skip

    # --- diary -------------------------------------------------------------------------

    def diary(
        self,
        rng: random.Random,
        *,
        baby_id: str,
        carer_id: str,
        days: list[date],
        practice_began: date,
        massage_days: set[date],
    ) -> None:
        """One entry per day given, of a kind drawn by how often parents log each."""
        for day in days:
            kind = rng.choices(("sleep", "crying", "tummy", "feed", "mood"), (45, 20, 10, 15, 10))[
                0
            ]
            lift = (0.25 if day >= practice_began else 0.0) + (0.2 if day in massage_days else 0.0)
            values: list[Any] = [None, None, "", None, None, None]
            if kind == "sleep":
                hours = min(13.0, max(4.0, rng.gauss(9.2 + lift, 1.3)))
                values[0] = Decimal(f"{hours:.1f}")
                values[1] = max(1, min(5, round(rng.gauss(3.0 + lift * 2, 1.0))))
            elif kind == "crying":
                values[3] = max(5, min(300, round(rng.gammavariate(2.0, 25.0) * (1 - lift))))
            elif kind == "tummy":
                values[2] = rng.choice(("wind", "wind", "colic", "constipation"))
            elif kind == "feed":
                values[4] = rng.randint(5, 12)
            else:
                values[5] = max(1, min(5, round(rng.gauss(3.3 + lift, 0.9))))
            created = datetime(day.year, day.month, day.day, rng.randint(19, 22),
                               rng.randrange(60), tzinfo=self.tz).astimezone(UTC)  # fmt: skip
            self.sink.add(
                DiaryEntry,
                (self.new_uuid(DiaryEntry), baby_id, carer_id, day, kind, *values, "", created),
            )
