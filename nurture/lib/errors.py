"""Domain errors raised by services, turned into form errors or JSON problems by callers."""

from __future__ import annotations


class DomainError(Exception):
    """A request that cannot be carried out, with messages keyed by the field at fault.

    ``"__all__"`` holds messages about the request as a whole.
    """

    def __init__(self, errors: dict[str, str] | str) -> None:
        self.errors = {"__all__": errors} if isinstance(errors, str) else dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class Conflict(DomainError):
    """The request clashes with what is stored (for example, a reused client id)."""


def add_to_forms(error: DomainError, forms: dict[str, object]) -> None:
    """Put a service's errors next to the right field of the right form.

    ``forms`` maps an error-key prefix (``"carer."``, ``"babies.0."`` or ``""``) to the
    Django form that holds those fields; unknown fields go to the first form's top.
    """
    fallback = next(iter(forms.values()))
    for key, message in error.errors.items():
        for prefix, form in forms.items():
            name = key.removeprefix(prefix) if key.startswith(prefix) else None
            if name is not None and name in form.fields:  # type: ignore[attr-defined]
                form.add_error(name, message)  # type: ignore[attr-defined]
                break
        else:
            fallback.add_error(None, message)  # type: ignore[attr-defined]
