"""Routing variants: the ``:suffix`` of a model id that changes how OpenRouter routes it.

Owns: reading a variant off a model id and putting one on (pure string logic, no I/O). The
variants themselves are the generated ``RouteVariant`` enum (``codegen/schemas/models.json``),
re-exported here.
"""

from __future__ import annotations

from openrouter_kit._generated.enums import RouteVariant
from openrouter_kit.errors import ValidationError

__all__ = ["RouteVariant", "apply_variant", "split_variant"]

_BY_VALUE = {v.value: v for v in RouteVariant}


def _variant(value: RouteVariant | str) -> RouteVariant:
    found = _BY_VALUE.get(str(value).lstrip(":").lower())
    if found is None:
        known = ", ".join(v.value for v in RouteVariant if v.value)
        raise ValidationError(f"unknown routing variant {str(value)[:40]!r}; known: {known}")
    return found


def split_variant(model_id: str) -> tuple[str, RouteVariant]:
    """Return the base id and the variant of ``model_id`` (``DEFAULT`` when it has none).

    A suffix that is not a documented variant is left as part of the base id.
    """
    base, sep, suffix = model_id.rpartition(":")
    if sep and base and suffix.lower() in _BY_VALUE:
        return base, _BY_VALUE[suffix.lower()]
    return model_id, RouteVariant.DEFAULT


def apply_variant(model_id: str, variant: RouteVariant | str) -> str:
    """Return ``model_id`` routed with ``variant``, replacing any variant it already had.

    Idempotent: applying the same variant twice gives the same id. ``DEFAULT`` removes the suffix.

    Raises:
        ValidationError: ``variant`` is not a documented variant, or ``model_id`` is empty.
    """
    if not isinstance(model_id, str) or not model_id.strip():
        raise ValidationError("model_id must be a non-empty string")
    chosen = _variant(variant)
    base, _ = split_variant(model_id.strip())
    return f"{base}:{chosen.value}" if chosen.value else base
