"""What a pure rule refuses with, for the domain tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from modules.kernel import FieldError, ValidationFailed


def refused(call: Callable[[], object]) -> tuple[FieldError, ...]:
    """The field errors `call` is refused with: all of them at once, as a 400."""
    with pytest.raises(ValidationFailed) as refusal:
        call()
    assert refusal.value.status_code == 400
    return refusal.value.errors
