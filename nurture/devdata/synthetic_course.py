"""A placed family's course and what follows: the enrolment, a register mark for each session
held, how the course ended, PHQ-9 and GAD-7 before and after, and home practice with a diary.

Attendance leans on a per-family likelihood (a Beta draw averaging 0.8), so overall about 75%
present, 5% late, 10% absent and 10% did not attend, and completion (3 sessions attended, the
default rule) varies between families as it does in life.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from nurture.courses.models import Attendance, Enrolment
from nurture.devdata.synthetic_practice import Baby as BabyTraits

if TYPE_CHECKING:
    from nurture.devdata.synthetic_flow import FamilyFlow, Story

COMPLETION_SESSIONS = 3
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def _clip(value: float, top: int) -> int:
    return max(0, min(top, round(value)))


def course_rows(
    flow: FamilyFlow,
    placed: tuple[int, datetime, int],
    story: Story,
    referral_id: str,
    family_id: str,
    carer_id: str,
    baby_id: str,
    visitor: int,
    app_user: bool,
    bench: bool,
) -> None:
    gen, rng, sink, end = flow.gen, flow.rng, flow.sink, flow.end
    index, accepted, joined = placed
    run = flow.world.runs[index]
    enrolment_id = gen.new_uuid(Enrolment)
    likely = 0.97 if bench else rng.betavariate(4.0, 1.0)
    leaves_after = rng.randint(1, 3) if not bench and rng.random() < 0.04 else None
    left_at = None
    if leaves_after is not None and leaves_after >= joined:
        left_at = run.starts[leaves_after - 1] + timedelta(days=rng.uniform(1, 5))
        if left_at >= end:
            left_at = None
    recorder = run.facilitators[0] if run.facilitators else None
    attended = 0
    for number in range(joined, len(run.starts) + 1):
        when = run.starts[number - 1]
        if when + 2 * HOUR >= end or (left_at is not None and when > left_at):
            break
        if number in run.cancelled_sessions:
            continue
        if rng.random() < likely:
            status = "late" if rng.random() < 0.065 else "present"
            attended += 1
        else:
            status = "absent" if rng.random() < 0.5 else "dna"
        sink.add(
            Attendance,
            (sink.new_id(Attendance), run.session_ids[number - 1], enrolment_id, status, "",
             status in ("present", "late"), recorder, when + timedelta(hours=rng.uniform(1, 5))),
        )  # fmt: skip
    settled = run.starts[-1] + timedelta(days=2, hours=rng.uniform(0, 8))
    if left_at is not None:
        status = "withdrawn"
        story.move("withdrawn", left_at, "Family withdrew from the course")
    elif settled < end:
        status = "completed" if attended >= COMPLETION_SESSIONS else "not_completed"
        if status == "completed":
            story.move("completed", settled)
        else:
            story.move("withdrawn", settled, "Did not complete the course")
    else:
        status = "enrolled"
    sink.add(
        Enrolment,
        (enrolment_id, run.id, referral_id, status, joined, gen.new_uuid("calendar"), accepted),
    )
    _questionnaires(flow, run.starts, joined, accepted, status, attended, enrolment_id,
                    family_id, carer_id, visitor)  # fmt: skip
    if app_user and (attended or bench):
        _practice(flow, run.starts[joined - 1].date(), baby_id, carer_id, bench)


def _questionnaires(
    flow: FamilyFlow, starts: list[datetime], joined: int, accepted: datetime, status: str,
    attended: int, enrolment_id: str, family_id: str, carer_id: str,
    visitor: int,
) -> None:  # fmt: skip
    """Baseline for most; end of course for most who completed; a few follow-ups. Scores
    fall on average between baseline and the end of the course."""
    rng, end = flow.rng, flow.end
    phq = _clip(rng.gauss(8.5, 5.5), 27)
    gad = _clip(0.7 * phq + rng.gauss(0.5, 3.0), 21)
    change = rng.gauss(2.8, 3.2)
    points: list[tuple[str, datetime, int, int]] = []
    if rng.random() < (0.88 if attended else 0.3):
        at = max(accepted + HOUR, starts[joined - 1] - timedelta(days=rng.uniform(0, 3)))
        points.append(("baseline", at, phq, gad))
    post_chance = {"completed": 0.8, "not_completed": 0.15, "withdrawn": 0.05}.get(status, 0)
    if rng.random() < post_chance:
        at = starts[-1] + timedelta(days=rng.uniform(0, 7))
        post_phq = _clip(phq - change, 27)
        post_gad = _clip(gad - 0.8 * change + rng.gauss(0, 1.5), 21)
        points.append(("post", at, post_phq, post_gad))
        if rng.random() < 0.12:
            at = starts[-1] + timedelta(weeks=6, days=rng.uniform(0, 14))
            drift = rng.gauss(-0.3, 2.0)
            points.append(
                ("follow_up", at, _clip(post_phq + drift, 27), _clip(post_gad + drift, 21))
            )
    for point, at, phq_total, gad_total in points:
        if at >= end:
            continue
        for key, total, lag in (("phq9", phq_total, 0), ("gad7", gad_total, 4)):
            flow.gen.outcomes.response(
                rng, provider_id=flow.world.id, family_id=family_id, carer_id=carer_id,
                enrolment_id=enrolment_id, health_visitor_id=visitor, point=point, key=key,
                total=total, submitted_at=at + timedelta(minutes=lag), end=end,
            )  # fmt: skip


def _practice(flow: FamilyFlow, began: date, baby_id: str, carer_id: str,
              bench: bool) -> None:  # fmt: skip
    gen, rng = flow.gen, flow.rng
    today = flow.end.date()
    maker = gen.practice
    traits = BabyTraits(rng, maker.areas)
    began = began + timedelta(days=rng.randint(0, 3))
    if bench:
        traits.dislike = dict.fromkeys(maker.areas, 0.3)
        traits.dislike["tummy"] = 1.2
        count = gen.size.bench_sessions
        span = max(1, (today - began).days)
        days = sorted(began + timedelta(days=int(rng.random() * span)) for _ in range(count))
    else:
        count = round(rng.expovariate(1 / gen.size.practice_mean))
        span = int(min(180, max(7, count * rng.uniform(1.5, 3.5))))
        days = sorted(began + timedelta(days=int(rng.random() * span)) for _ in range(count))
        days = [day for day in days if day < today]
    events = 0
    for day in days:
        wanted = 40 if bench else rng.randint(2, 9)
        events += maker.session(rng, baby_id=baby_id, carer_id=carer_id, baby=traits, day=day,
                                strokes_wanted=wanted, full=bench)  # fmt: skip
    gen.bench_events += events if bench else 0
    if bench:
        diary_days = [today - timedelta(days=k) for k in range(365, 0, -1) for _ in range(2)]
    else:
        first = began - timedelta(days=21)
        window = max(1, (min(today, began + timedelta(days=span + 14)) - first).days)
        wanted = round(rng.expovariate(1 / gen.size.diary_mean))
        diary_days = sorted(first + timedelta(days=rng.randrange(window)) for _ in range(wanted))
        diary_days = [day for day in diary_days if day < today]
    maker.diary(rng, baby_id=baby_id, carer_id=carer_id, days=diary_days, practice_began=began,
                massage_days=set(days))  # fmt: skip
