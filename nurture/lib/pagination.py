"""Pages of API lists: ``limit`` and ``offset`` within what a database can take.

django-ninja's own limit-offset pagination leaves ``offset`` unbounded, and an offset of 2^63
fails inside the database (a server error). Here it is a 422 naming the field.
"""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 1_000_000
"""Further than any list a person pages through; beyond it, narrow the list instead."""


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_LIMIT,
            description=f"How many to return (at most {settings.NINJA_PAGINATION_MAX_LIMIT}).",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many to skip.")
