"""JSON API of auth, route-compatible with the original Node app."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from modules.auth.documents import User
from modules.auth.schemas import CredentialsBody, CurrentUserOut, UserOut
from modules.auth.use_cases import Accounts, Attempt, sign_in, sign_up
from modules.kernel import (
    CurrentUser,
    SessionCodec,
    Sessions,
    client_address,
    error_responses,
)


class UsersApi(Controller):
    path = "/api/users"
    tags = ["auth"]

    @post("/signup", status_code=HTTP_201_CREATED, responses=error_responses(429, body=True))
    async def signup(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CredentialsBody],
        accounts: NamedDependency[Accounts],
        sessions: NamedDependency[Sessions],
    ) -> Response[UserOut]:
        user = await sign_up(accounts, _attempt(request, data))
        return await _signed_in(sessions, user, HTTP_201_CREATED)

    @post("/signin", status_code=HTTP_200_OK, responses=error_responses(429, body=True))
    async def signin(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CredentialsBody],
        accounts: NamedDependency[Accounts],
        sessions: NamedDependency[Sessions],
    ) -> Response[UserOut]:
        user = await sign_in(accounts, _attempt(request, data))
        return await _signed_in(sessions, user, HTTP_200_OK)

    @post("/signout", status_code=HTTP_200_OK, responses=error_responses())
    async def signout(
        self, current_user: NamedDependency[CurrentUser | None], sessions: NamedDependency[Sessions]
    ) -> Response[dict[str, Any]]:
        """Ends this session for real: the token is refused afterwards, wherever it was copied."""
        if current_user is not None:
            await sessions.close(current_user)
        return Response({}, cookies=[SessionCodec.cleared_cookie()])

    @post("/signout/everywhere", status_code=HTTP_200_OK, responses=error_responses(401))
    async def signout_everywhere(
        self, user: NamedDependency[CurrentUser], sessions: NamedDependency[Sessions]
    ) -> Response[dict[str, Any]]:
        """Ends every session of this user, on every device."""
        await sessions.close_all(user.id)
        return Response({}, cookies=[SessionCodec.cleared_cookie()])

    @get("/currentuser", responses=error_responses())
    async def current(self, current_user: NamedDependency[CurrentUser | None]) -> CurrentUserOut:
        return CurrentUserOut.of(current_user)


def _attempt(request: Request[Any, Any, Any], data: CredentialsBody) -> Attempt:
    return Attempt(data.email, data.password, client_address(request))


async def _signed_in(sessions: Sessions, user: User, status: int) -> Response[UserOut]:
    cookie = await sessions.open(str(user.id), user.email)
    return Response(
        UserOut(id=str(user.id), email=user.email), status_code=status, cookies=[cookie]
    )
