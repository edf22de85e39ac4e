from __future__ import annotations

import msgspec
from pydantic import BaseModel

from modules.kernel import CurrentUser, RequestBody


class CredentialsBody(RequestBody):
    email: str | None = None
    password: str | None = None


class UserOut(BaseModel):
    id: str
    email: str


class SessionOut(msgspec.Struct):
    id: str
    email: str
    iat: int
    exp: int


class CurrentUserOut(msgspec.Struct, rename="camel"):
    """msgspec rather than pydantic: the hottest answer, encoded without a model dump."""

    current_user: SessionOut | None

    @classmethod
    def of(cls, user: CurrentUser | None) -> CurrentUserOut:
        if user is None:
            return cls(current_user=None)
        return cls(SessionOut(user.id, user.email, user.issued_at, user.expires_at))
