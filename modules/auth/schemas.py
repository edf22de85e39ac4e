from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from modules.kernel import CurrentUser, RequestBody


class CredentialsBody(RequestBody):
    email: str | None = None
    password: str | None = None


class UserOut(BaseModel):
    id: str
    email: str


class SessionOut(BaseModel):
    id: str
    email: str
    iat: int
    exp: int


class CurrentUserOut(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    current_user: SessionOut | None

    @classmethod
    def of(cls, user: CurrentUser | None) -> CurrentUserOut:
        if user is None:
            return cls(current_user=None)
        session = SessionOut(id=user.id, email=user.email, iat=user.issued_at, exp=user.expires_at)
        return cls(current_user=session)
