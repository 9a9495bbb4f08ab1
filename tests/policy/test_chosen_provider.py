"""Which provider someone means (a new family, course template or run): the one they asked
for if it is theirs, otherwise their only one, otherwise they must say."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from nurture.accounts.models import Provider
from nurture.policy import chosen_provider


def providers(*ids: int) -> list[Provider]:
    return [Provider(pk=pk, name=f"Provider {pk}") for pk in ids]


def test_the_only_provider_needs_no_asking() -> None:
    assert chosen_provider(providers(7), None) == Provider(pk=7)
    assert chosen_provider(providers(7), "") == Provider(pk=7)


def test_with_several_they_must_say_which() -> None:
    assert chosen_provider(providers(7, 8), None) is None
    assert chosen_provider(providers(7, 8), "8") == Provider(pk=8)
    assert chosen_provider(providers(7, 8), 7) == Provider(pk=7)


@given(st.lists(st.integers(1, 50), unique=True, max_size=5), st.integers(1, 60))
def test_a_provider_outside_the_list_is_never_chosen(ids: list[int], asked: Any) -> None:
    found = chosen_provider(providers(*ids), asked)
    assert (found is not None) == (asked in ids)
    assert found is None or found.pk == asked
