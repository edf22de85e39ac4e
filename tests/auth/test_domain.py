"""Sign-up and sign-in rules on their own: no server, no database."""

from __future__ import annotations

import pytest

from modules.auth.domain import (
    MAX_EMAIL_LENGTH,
    Credentials,
    credentials_for_sign_in,
    credentials_for_sign_up,
)
from modules.kernel import FieldError
from tests.support.refusals import refused

INVALID_EMAIL = FieldError("Email must be valid", "email")
BAD_PASSWORD_LENGTH = FieldError("Password must be between 8 and 128 characters", "password")
NO_PASSWORD = FieldError("You must supply a password", "password")

BAD_EMAILS = [
    None,
    "",
    "   ",
    "not-an-email",
    "user@example",
    "@example.com",
    "user@.com",
    "two words@example.com",
    "a@b@example.com",
    "tab\t@example.com",
    "nul\x00byte@example.com",
    "del\x7f@example.com",
    "a" * (MAX_EMAIL_LENGTH - len("@b.com") + 1) + "@b.com",
    "rtl\u202eevil@example.com",
    "zero\u200bwidth@example.com",
]


class TestCredentialsForSignUp:
    def test_the_email_is_lower_cased_and_trimmed_and_the_password_kept_as_typed(self) -> None:
        credentials = credentials_for_sign_up("  Ann@Example.COM ", " secret123\t")

        assert credentials == Credentials("ann@example.com", " secret123\t")

    def test_an_email_of_the_maximum_length_is_accepted(self) -> None:
        email = "a" * (MAX_EMAIL_LENGTH - len("@b.com")) + "@b.com"

        assert credentials_for_sign_up(email, "secret123").email == email

    @pytest.mark.parametrize("email", BAD_EMAILS)
    def test_a_missing_or_malformed_email_is_refused(self, email: str | None) -> None:
        assert refused(lambda: credentials_for_sign_up(email, "secret123")) == (INVALID_EMAIL,)

    @pytest.mark.parametrize("password", ["abcdefgh", "a" * 128, "  abcd  ", "correct horse"])
    def test_a_password_of_8_to_128_characters_is_accepted_as_typed(self, password: str) -> None:
        assert credentials_for_sign_up("a@b.com", password).password == password

    @pytest.mark.parametrize("password", [None, "", "abc", "1234567", "a" * 129])
    def test_a_password_outside_8_to_128_characters_is_refused(self, password: str | None) -> None:
        assert refused(lambda: credentials_for_sign_up("a@b.com", password)) == (
            BAD_PASSWORD_LENGTH,
        )

    def test_every_bad_field_is_reported_at_once_email_first(self) -> None:
        assert refused(lambda: credentials_for_sign_up("nope", "x")) == (
            INVALID_EMAIL,
            BAD_PASSWORD_LENGTH,
        )


class TestCredentialsForSignIn:
    def test_the_email_is_normalised_as_at_sign_up(self) -> None:
        credentials = credentials_for_sign_in(" ANN@example.com\t", "  pass ")

        assert credentials == Credentials("ann@example.com", "  pass ")

    def test_any_length_of_password_may_be_tried(self) -> None:
        for password in ("a", "a" * 5000):
            assert credentials_for_sign_in("a@b.com", password).password == password

    @pytest.mark.parametrize("email", BAD_EMAILS)
    def test_a_missing_or_malformed_email_is_refused(self, email: str | None) -> None:
        assert refused(lambda: credentials_for_sign_in(email, "secret123")) == (INVALID_EMAIL,)

    @pytest.mark.parametrize("password", [None, ""])
    def test_a_missing_password_must_be_supplied(self, password: str | None) -> None:
        assert refused(lambda: credentials_for_sign_in("a@b.com", password)) == (NO_PASSWORD,)

    def test_every_bad_field_is_reported_at_once_email_first(self) -> None:
        assert refused(lambda: credentials_for_sign_in("", "")) == (INVALID_EMAIL, NO_PASSWORD)
