"""Sign-up and sign-in rules; pure, no I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from modules.kernel import FieldError, ValidationFailed

_PART = r"[^@\s\x00-\x1f\x7f]+"  # no blanks, no control characters
_EMAIL = re.compile(rf"^{_PART}@{_PART}\.{_PART}$")
MAX_EMAIL_LENGTH = 254
PASSWORD_LENGTH = (8, 128)  # OWASP: at least 8, and long passphrases welcome


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str


def credentials_for_sign_up(email: str | None, password: str | None) -> Credentials:
    """Normalised email and the password exactly as typed (never trimmed), or
    ValidationFailed listing every bad field."""
    errors = []
    normalised_email = _normalise(email)
    if not _valid_email(normalised_email):
        errors.append(FieldError("Email must be valid", "email"))
    low, high = PASSWORD_LENGTH
    if not low <= len(password or "") <= high:
        errors.append(
            FieldError(f"Password must be between {low} and {high} characters", "password")
        )
    if errors:
        raise ValidationFailed(*errors)
    return Credentials(normalised_email, password or "")


def credentials_for_sign_in(email: str | None, password: str | None) -> Credentials:
    errors = []
    normalised_email = _normalise(email)
    if not _valid_email(normalised_email):
        errors.append(FieldError("Email must be valid", "email"))
    if not password:
        errors.append(FieldError("You must supply a password", "password"))
    if errors or password is None:
        raise ValidationFailed(*errors)
    return Credentials(normalised_email, password)


def _normalise(email: str | None) -> str:
    return (email or "").strip().lower()


def _valid_email(email: str) -> bool:
    return (
        len(email) <= MAX_EMAIL_LENGTH
        and bool(_EMAIL.match(email))
        and not any(unicodedata.category(char) == "Cf" for char in email)  # bidi, zero-width
    )
