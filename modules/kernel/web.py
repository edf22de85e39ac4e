"""Request-side helpers every module's controllers share: who is signed in, request schemas."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from modules.kernel.errors import NotAuthenticated
from modules.kernel.session import SESSION_COOKIE, CurrentUser
from modules.kernel.sessions import Sessions

RENEWED_SESSION = "renewed_session"  # request state: a cookie the app sets on the response


async def user_of(request: Request[Any, Any, Any], sessions: Sessions) -> CurrentUser | None:
    """Who sent the request (None: nobody signed in); a session due for renewal is renewed."""
    user = await sessions.user(request.cookies.get(SESSION_COOKIE))
    if user is not None and sessions.due_for_renewal(user):
        request.state[RENEWED_SESSION] = await sessions.renew(user)
    return user


def current_user_provider(sessions: Sessions) -> Provide:
    """The `current_user` dependency, with no dependency of its own: every dependency
    resolved is work done on every request."""

    async def current_user(request: Request[Any, Any, Any]) -> CurrentUser | None:
        return await user_of(request, sessions)

    return Provide(current_user)


async def provide_signed_in_user(
    current_user: NamedDependency[CurrentUser | None],
) -> CurrentUser:
    if current_user is None:
        raise NotAuthenticated()
    return current_user


class RequestBody(BaseModel):
    """Base of JSON request bodies: camelCase on the wire, strict types, unknown keys ignored.

    Fields are optional here so that missing values are reported by the domain's own
    rules, with every invalid field listed at once.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, strict=False)


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's address as the server saw it (behind a trusted proxy, uvicorn's
    --forwarded-allow-ips makes it the original client's)."""
    return request.client.host if request.client else "unknown"
