"""Demo families: fictional, with ids fixed so loading twice changes nothing.

Birth dates count back from the day the demo is first loaded, so the babies are of
course age whenever someone tries Nurture.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import NamedTuple

from django.utils import timezone

from nurture.devdata.demo_accounts import DemoWorld
from nurture.families import services
from nurture.families.models import Carer, Family

NAMESPACE = uuid.UUID("0b6e6900-5eed-4f00-9a1e-000000000001")


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


class DemoFamily(NamedTuple):
    key: str
    provider: str
    referred_by_hv: bool
    login: str | None
    # given name, family name, relationship, email, mobile, language
    carers: list[tuple[str, str, str, str, str, str]]
    # name, weeks old, gestation at birth (weeks, days) if recorded
    babies: list[tuple[str, int, tuple[int, int] | None]]


FAMILIES = [
    DemoFamily(
        "khan",
        "riverside",
        True,
        "parent",
        [
            ("Amira", "Khan", "mother", "amira.khan@example.com", "07700 900101", "en"),
            ("Yusuf", "Khan", "father", "", "07700 900102", "en"),
        ],
        [("Zara", 15, (32, 3))],
    ),
    DemoFamily(
        "okafor",
        "riverside",
        True,
        "parent2",
        [("Grace", "Okafor", "mother", "grace.okafor@example.com", "07700 900201", "en")],
        [("Tobi", 13, (36, 1)), ("Tayo", 13, (36, 1))],
    ),
    DemoFamily(
        "evans",
        "riverside",
        True,
        None,
        [("Rhian", "Evans", "mother", "rhian.evans@example.com", "", "cy")],
        [("Osian", 9, None)],
    ),
    DemoFamily(
        "nowak",
        "riverside",
        True,
        None,
        [("Kasia", "Nowak", "mother", "", "07700 900401", "pl")],
        [("Lena", 20, (39, 2))],
    ),
    DemoFamily(
        "brown",
        "riverside",
        False,
        None,
        [
            ("Sophie", "Brown", "mother", "sophie.brown@example.com", "", "en"),
            ("Daniel", "Brown", "father", "daniel.brown@example.com", "", "en"),
        ],
        [("Alfie", 7, None)],
    ),
    DemoFamily(
        "jones",
        "little_oak",
        False,
        None,
        [("Ffion", "Jones", "mother", "ffion.jones@example.com", "", "cy")],
        [("Cai", 12, None)],
    ),
]


# Families for the demo courses (see nurture/devdata/demo_courses.py): a finished course, one in its
# third week, and a waiting list with a high-priority family and a baby about to age out.
MORE = [
    ("ahmed", "Layla", "Ahmed", "Yara", 21),
    ("byrne", "Siobhan", "Byrne", "Finn", 19),
    ("clarke", "Jess", "Clarke", "Noah", 22),
    ("dimitrov", "Elena", "Dimitrov", "Mila", 18),
    ("edwards", "Chloe", "Edwards", "Arlo", 20),
    ("fraser", "Kirsty", "Fraser", "Isla", 14),
    ("gupta", "Priya", "Gupta", "Arjun", 12),
    ("hughes", "Megan", "Hughes", "Rhys", 15),
    ("patel", "Anjali", "Patel", "Dev", 3),
    ("ali", "Sana", "Ali", "Zayn", 25),
]
for _key, _given, _surname, _baby, _weeks in MORE:
    FAMILIES.append(
        DemoFamily(
            _key,
            "riverside",
            True,
            None,
            [
                (
                    _given,
                    _surname,
                    "mother",
                    f"{_given.lower()}.{_surname.lower()}@example.com",
                    "",
                    "en",
                )
            ],
            [(_baby, _weeks, None)],
        )
    )


def load(world: DemoWorld) -> None:
    today = timezone.localdate()
    for key, provider_key, by_hv, login, carers, babies in FAMILIES:
        family_id = _id(f"family:{key}")
        if Family.objects.filter(pk=family_id).exists():
            continue
        (first, *others) = [
            services.CarerDetails(
                given_name=given,
                family_name=family_name,
                relationship=relationship,
                email=email,
                mobile=mobile,
                preferred_channel=Carer.Channel.EMAIL if email else Carer.Channel.SMS,
                consent_to_contact=True,
                language=language,
                needs_interpreter=language == "pl",
            )
            for given, family_name, relationship, email, mobile, language in carers
        ]
        baby_details = [
            services.BabyDetails(
                given_name=name,
                family_name=carers[0][1],
                date_of_birth=today - timedelta(weeks=weeks_old),
                gestation_weeks=gestation[0] if gestation else None,
                gestation_extra_days=gestation[1] if gestation else None,
            )
            for name, weeks_old, gestation in babies
        ]
        family, _ = services.family_create(
            actor=None,
            provider=world.providers[provider_key],
            carer=first,
            babies=baby_details,
            health_visitor=world.users["hv"] if by_hv else None,
            postcode="RT1 5XY" if provider_key == "riverside" else "CF10 2BB",
            family_id=family_id,
        )
        for details in others:
            services.carer_add(actor=None, family=family, details=details)
        if login:
            carer = family.carers.get(given_name=first.given_name)
            services.carer_link_login(actor=None, carer=carer, user=world.users[login])
