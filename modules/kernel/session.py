"""The signed session token every module reads to know who is asking, without importing auth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from litestar.datastructures import Cookie

SESSION_COOKIE = "session"
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class CurrentUser:
    id: str
    email: str
    issued_at: int
    expires_at: int
    session_id: str


class SessionCodec:
    """Signs and reads session tokens (JWT, HS256) with the deployment's shared key.

    A valid signature is not enough to be signed in: the session it names must
    also still be open (see Sessions), so that signing out ends it for real.
    """

    def __init__(self, key: str, lifetime: timedelta, *, secure_cookie: bool = False):
        self._key = key
        self.lifetime = lifetime
        self._secure_cookie = secure_cookie

    def issue(self, user_id: str, email: str, session_id: str) -> str:
        now = datetime.now(UTC)
        claims = {
            "id": user_id,
            "email": email,
            "sid": session_id,
            "iat": now,
            "exp": now + self.lifetime,
        }
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM)

    def read(self, token: str | None) -> CurrentUser | None:
        """The user a token names, or None for a missing, forged or expired token."""
        if not token:
            return None
        try:
            claims = jwt.decode(token, self._key, algorithms=[_ALGORITHM])
            return CurrentUser(
                id=str(claims["id"]),
                email=str(claims["email"]),
                issued_at=int(claims["iat"]),
                expires_at=int(claims["exp"]),
                session_id=str(claims["sid"]),
            )
        except (jwt.PyJWTError, KeyError, TypeError, ValueError):
            return None

    def cookie(self, token: str) -> Cookie:
        """The session cookie: HttpOnly, SameSite, Secure outside local runs."""
        return Cookie(
            key=SESSION_COOKIE,
            value=token,
            httponly=True,
            samesite="lax",
            secure=self._secure_cookie,
            max_age=int(self.lifetime.total_seconds()),
            path="/",
        )

    @staticmethod
    def cleared_cookie() -> Cookie:
        return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")
