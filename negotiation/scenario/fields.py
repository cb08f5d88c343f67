"""The building blocks of every scenario model: an immutable base that refuses unknown keys, and strict field types.

Kept apart from `schema.py` so that the event classes (`events.py`) and the scenario (`schema.py`)
can share them without importing each other.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Strict numbers: a quoted "30" or a boolean is a type error, not silently a number.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Unit = Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)]
Change = Annotated[float, Field(strict=True, ge=-1, le=1, allow_inf_nan=False)]  # a shift on a 0-1 scale
Count = Annotated[int, Field(strict=True, ge=0)]
Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=60,
        pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$",
        description="An identifier: a letter, then letters, digits, _ or -.",
    ),
]
Basis = Annotated[
    dict[str, str],
    Field(
        default_factory=dict,
        description="Where each number comes from: field path -> '<source id>: note' or "
        "'assumption: reason'. A path covers every number below it.",
    ),
]


class Spec(BaseModel):
    """Base of every scenario object: immutable, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
