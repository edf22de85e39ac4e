from __future__ import annotations

from pydantic import BaseModel

from modules.kernel import RequestBody


class CredentialsBody(RequestBody):
    email: str | None = None
    password: str | None = None


class UserOut(BaseModel):
    id: str
    email: str
