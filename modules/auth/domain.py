"""Sign-up and sign-in rules; pure, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

from modules.kernel import FieldError, ValidationFailed

_PART = r"[^@\s\x00-\x1f\x7f]+"  # no blanks, no control characters
_EMAIL = re.compile(rf"^{_PART}@{_PART}\.{_PART}$")
MAX_EMAIL_LENGTH = 254
PASSWORD_LENGTH = (4, 20)


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str


def credentials_for_sign_up(email: str | None, password: str | None) -> Credentials:
    """Normalised credentials, or ValidationFailed listing every bad field."""
    errors = []
    normalised_email = _normalise(email)
    if not _valid_email(normalised_email):
        errors.append(FieldError("Email must be valid", "email"))
    trimmed = (password or "").strip()
    low, high = PASSWORD_LENGTH
    if not low <= len(trimmed) <= high:
        errors.append(
            FieldError(f"Password must be between {low} and {high} characters", "password")
        )
    if errors:
        raise ValidationFailed(*errors)
    return Credentials(normalised_email, trimmed)


def credentials_for_sign_in(email: str | None, password: str | None) -> Credentials:
    errors = []
    normalised_email = _normalise(email)
    if not _valid_email(normalised_email):
        errors.append(FieldError("Email must be valid", "email"))
    trimmed = (password or "").strip()
    if not trimmed:
        errors.append(FieldError("You must supply a password", "password"))
    if errors:
        raise ValidationFailed(*errors)
    return Credentials(normalised_email, trimmed)


def _normalise(email: str | None) -> str:
    return (email or "").strip().lower()


def _valid_email(email: str) -> bool:
    return len(email) <= MAX_EMAIL_LENGTH and bool(_EMAIL.match(email))
