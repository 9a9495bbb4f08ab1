"""One provider's families, moved through the programme in the order their referrals arrive:
triage, the waiting list, offers, a place on a run, the register, questionnaires, then home
practice and the diary. Every status change is a ``ReferralEvent``, as the services record them
(``referrals/states.py`` lists the moves allowed); the referral's status is the last one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from nurture.courses.models import Offer
from nurture.devdata import synthetic_data as data
from nurture.devdata.synthetic_course import course_rows
from nurture.families.ages import add_months
from nurture.families.models import Baby, Carer, Family
from nurture.referrals.models import Referral, ReferralEvent

if TYPE_CHECKING:
    from nurture.devdata.synthetic import Generator, ProviderWorld

UTC = ZoneInfo("UTC")
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass
class Story:
    """What happens to one referral, collected before its rows are written."""

    events: list[tuple[str, str, datetime, str]] = field(default_factory=list)
    status: str = "received"

    def move(self, to: str, at: datetime, note: str = "") -> None:
        self.events.append((self.status if self.events else "", to, at, note))
        self.status = to


class FamilyFlow:
    def __init__(self, gen: Generator, world: ProviderWorld) -> None:
        self.gen = gen
        self.world = world
        self.sink = gen.sink
        self.rng: random.Random = gen.rng
        self.end: datetime = gen.end

    def families(self, count: int, *, bench: bool) -> None:
        span = self.end - self.gen.start
        for k in range(count):
            created = self.gen.start + span * ((k + self.rng.random()) / count)
            self.family(created, bench=bench and k == count // 2)

    # --- one family --------------------------------------------------------------------

    def family(self, created: datetime, *, bench: bool = False) -> None:
        gen, rng, sink, world = self.gen, self.rng, self.sink, self.world
        if bench:  # an older baby, so a long history fits before today
            created = self.end - timedelta(days=340)
        family_id = gen.new_uuid(Family)
        visitor = rng.choice(world.health_visitors)
        postcode = gen.postcode(rng.choice(world.districts))
        sink.add(Family, (family_id, world.id, visitor, postcode, "", created - HOUR, None, None))
        surname = rng.choice(data.FAMILY_NAMES)
        app_user = bench or rng.random() < 0.72
        carer_id = self.carer(family_id, surname, created, primary=True, app_user=app_user,
                              bench=bench)  # fmt: skip
        if rng.random() < 0.15:
            self.carer(family_id, surname, created, primary=False, app_user=False)
        baby_id, born, corrected = self.baby(family_id, surname, created)
        story = Story()
        referral_id = gen.new_uuid(Referral)
        high = self.referral_priority()
        story.move("received", created)
        placed = self.triage(story, referral_id, created, corrected, high, bench=bench)
        if placed is not None:
            course_rows(self, placed, story, referral_id, family_id, carer_id, baby_id, visitor,
                        app_user, bench)  # fmt: skip
        reasons = self.reasons(high, corrected != born)
        other = rng.choice(data.OTHER_REASONS) if "other" in reasons else ""
        times = rng.choice((["any"], ["morning"], ["afternoon"], ["morning", "afternoon"]))
        last_at = story.events[-1][2]
        sink.add(
            Referral,
            (referral_id, world.id, family_id, baby_id, visitor, reasons, other,
             "high" if high else "routine", True, times, "", story.status, "", None, "", None,
             created, last_at),
        )  # fmt: skip
        for from_status, to_status, at, note in story.events:
            actor = None if to_status == "received" else visitor
            sink.add(
                ReferralEvent,
                (sink.new_id(ReferralEvent), referral_id, at, actor, from_status, to_status, note),
            )
        if rng.random() < 0.015:
            self.duplicate(referral_id, family_id, baby_id, visitor, reasons, created)

    def carer(
        self, family_id: str, surname: str, created: datetime, *, primary: bool,
        app_user: bool, bench: bool = False,
    ) -> str:  # fmt: skip
        gen, rng = self.gen, self.rng
        given = rng.choice(data.GIVEN_NAMES)
        relationship = (
            rng.choices(("mother", "father", "parent", "grandparent"), (88, 6, 5, 1))[0]
            if primary
            else rng.choice(("father", "parent", "grandparent"))
        )
        languages = dict(data.LANGUAGES)
        if self.world.place[2] == "wales":
            languages["cy"] = data.WELSH_SHARE_IN_WALES
        language = rng.choices(list(languages), list(languages.values()))[0]
        interpreter = language not in ("en", "cy") and rng.random() < data.INTERPRETER_SHARE
        user_id = None
        if app_user:
            username = "bench-parent" if bench else f"parent{gen.user_count + 1}"
            user_id = gen.user(username, given, surname, bench=bench, joined=created)
        carer_id = gen.new_uuid(Carer)
        number = rng.randrange(1000)
        channel = rng.choices(("email", "sms", "phone"), (55, 40, 5))[0]
        self.sink.add(
            Carer,
            (carer_id, family_id, user_id, given, surname, relationship,
             f"{given.lower()}.{surname.lower()}{number}@example.invalid", f"07700 900{number:03d}",
             channel, True, created, language, interpreter),
        )  # fmt: skip
        return carer_id

    def baby(self, family_id: str, surname: str, created: datetime) -> tuple[Any, date, date]:
        """About 8% born before 37 weeks; referred at two weeks to three months old."""
        rng = self.rng
        born = created.date() - timedelta(days=rng.randint(14, 90))
        weeks: int | None
        extra: int | None
        if rng.random() < 0.08:
            weeks = rng.choices(range(28, 37), (1, 1, 2, 2, 3, 4, 6, 9, 12))[0]
            extra = rng.randrange(7)
        elif rng.random() < 0.7:
            weeks, extra = rng.choices(range(37, 42), (8, 20, 30, 30, 12))[0], rng.randrange(7)
        else:
            weeks = extra = None
        due = born + timedelta(days=280 - (weeks * 7 + (extra or 0))) if weeks else None
        baby_id = self.gen.new_uuid(Baby)
        self.sink.add(
            Baby,
            (baby_id, family_id, rng.choice(data.BABY_NAMES), surname, born, weeks, extra, due,
             created),
        )  # fmt: skip
        preterm = weeks is not None and weeks < 37
        return baby_id, born, (due if preterm and due else born)

    def referral_priority(self) -> bool:
        return self.rng.random() < 0.2

    def reasons(self, high: bool, preterm: bool) -> list[str]:
        rng = self.rng
        chosen = [code for code, chance in data.REASON_CHANCES if rng.random() < chance]
        if high and "low_mood" not in chosen and rng.random() < 0.6:
            chosen.append("low_mood")
        if preterm and rng.random() < 0.8:
            chosen.append("preterm")
        if not chosen:
            chosen.append(rng.choice(("first_time", "unsettled", "bonding")))
        order = ["low_mood", "bonding", "unsettled", "preterm", "first_time", "isolation", "other"]
        return sorted(chosen, key=order.index)

    def triage(
        self,
        story: Story,
        referral_id: str,
        created: datetime,
        corrected: date,
        high: bool,
        *,
        bench: bool = False,
    ) -> tuple[int, datetime, int] | None:
        """Eligibility, the wait and the offers. Returns (run index, accepted at, first
        session joined) when the family takes a place. The bench family always does (its
        chance draws are still made, so the other families' rows do not change)."""
        rng, world, end = self.rng, self.world, self.end
        decided = created + timedelta(days=rng.uniform(0.5, 10))
        if decided >= end:
            return None
        if rng.random() < 0.06 and not bench:
            story.move("not_eligible", decided, "Does not meet the programme criteria")
            return None
        story.move("eligible", decided)
        waiting = decided + timedelta(minutes=rng.randint(1, 30))
        story.move("waiting", waiting)
        if rng.random() < 0.03 and not bench:
            left = waiting + timedelta(days=rng.uniform(5, 40))
            if left < end:
                story.move("withdrawn", left, "Family no longer wants a place")
            return None
        wait = rng.expovariate(1 / 9) if high else rng.gammavariate(2.5, 10)
        too_old = datetime.combine(add_months(corrected, 6), waiting.timetz())
        old_enough = datetime.combine(corrected + timedelta(weeks=6), waiting.timetz())
        earliest = max(waiting + timedelta(days=3 + wait), old_enough)
        index = world.find_run(self.gen.first_run_from(world, earliest))
        if bench and (index is None or world.run_starts[index] >= too_old):
            raise RuntimeError("No course place for the bench family: use more years.")
        if index is None or world.run_starts[index] >= too_old:
            gone = too_old - timedelta(days=14)
            if gone < end:
                story.move("not_eligible", max(gone, waiting + DAY), "Too old by the next place")
            return None
        run = world.runs[index]
        late = rng.random() < 0.04 and not bench
        first = run.starts[0]
        offered = (
            first + timedelta(days=rng.uniform(1, 4))
            if late
            else max(waiting + HOUR, first - timedelta(days=rng.uniform(5, 21)))
        )
        if rng.random() < 0.2 and not bench:
            offered = self.earlier_offer(story, referral_id, waiting, offered, index)
        if offered >= end:
            return None
        kind = rng.choices(("automatic", "manual", "open_to_all"), (85, 10, 5))[0]
        answered = offered + timedelta(hours=rng.uniform(0.5, 60))
        story.move("offered", offered, "")
        if answered >= end:
            self.offer(run.id, referral_id, kind, "pending", offered, None)
            return None
        if rng.random() < 0.04 and not bench:
            self.offer(run.id, referral_id, kind, "declined", offered, answered,
                       "The times do not suit us")  # fmt: skip
            story.move("waiting", answered, "declined")
            story.move("declined", answered, "Does not want a place")
            return None
        self.offer(run.id, referral_id, kind, "accepted", offered, answered)
        world.take_place(index)
        story.move("enrolled", answered)
        return index, answered, 2 if late else 1

    def earlier_offer(
        self, story: Story, referral_id: str, waiting: datetime, offered: datetime,
        index: int,
    ) -> datetime:  # fmt: skip
        """An offer of an earlier run that came to nothing; returns when the place that was
        taken is offered (a little later if needed)."""
        rng, world = self.rng, self.world
        low = self.gen.first_run_from(world, waiting + timedelta(days=4))
        if low >= index:
            return offered
        earlier = world.runs[rng.randrange(low, index)]
        if earlier.cancelled:
            return offered
        at = max(waiting + HOUR, earlier.starts[0] - timedelta(days=rng.uniform(3, 14)))
        status = rng.choices(("declined", "expired", "filled", "withdrawn"), (55, 35, 7, 3))[0]
        hours = 72 if status == "expired" else rng.uniform(1, 48)
        answered = at + timedelta(hours=hours)
        if answered >= offered or answered >= self.end:
            return offered
        notes = {"declined": "Stay on the list", "withdrawn": "Course closed"}
        kind = "open_to_all" if status == "filled" else "automatic"
        self.offer(earlier.id, referral_id, kind, status, at, answered,
                   notes.get(status, ""))  # fmt: skip
        story.move("offered", at)
        story.move("waiting", answered, notes.get(status, status))
        return max(offered, answered + HOUR)

    def offer(
        self, run_id: str, referral_id: str, kind: str, status: str,
        offered: datetime, answered: datetime | None, note: str = "",
    ) -> None:  # fmt: skip
        offered = offered.astimezone(UTC)  # an offer is held 72 real hours, across clock changes
        expires = offered + timedelta(hours=72)
        self.sink.add(
            Offer,
            (self.gen.new_uuid(Offer), run_id, referral_id, kind, status, offered, expires,
             answered, None, note),
        )  # fmt: skip

    def duplicate(
        self, original: str, family_id: str, baby_id: str, visitor: int,
        reasons: list[str], created: datetime,
    ) -> None:  # fmt: skip
        at = created + timedelta(days=self.rng.uniform(1, 20))
        if at >= self.end:
            return
        referral_id = self.gen.new_uuid(Referral)
        self.sink.add(
            Referral,
            (referral_id, self.world.id, family_id, baby_id, visitor, reasons, "", "routine",
             True, ["any"], "", "withdrawn", "Duplicate referral", original, "", None, at,
             at + HOUR),
        )  # fmt: skip
        for from_status, to_status, when in (
            ("", "received", at),
            ("received", "withdrawn", at + HOUR),
        ):
            self.sink.add(
                ReferralEvent,
                (self.sink.new_id(ReferralEvent), referral_id, when, visitor, from_status,
                 to_status, "Duplicate referral" if to_status == "withdrawn" else ""),
            )  # fmt: skip
