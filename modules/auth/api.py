"""JSON API of auth, route-compatible with the original Node app."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from modules.auth.documents import User
from modules.auth.passwords import Passwords
from modules.auth.schemas import CredentialsBody, CurrentUserOut, UserOut
from modules.auth.use_cases import sign_in, sign_up
from modules.kernel import CurrentUser, SessionCodec, Transactions


class UsersApi(Controller):
    path = "/api/users"
    tags = ["auth"]

    @post("/signup", status_code=HTTP_201_CREATED)
    async def signup(
        self,
        data: JSONBody[CredentialsBody],
        transactions: NamedDependency[Transactions],
        passwords: NamedDependency[Passwords],
        sessions: NamedDependency[SessionCodec],
    ) -> Response[UserOut]:
        user = await sign_up(transactions, passwords, data.email, data.password)
        return _signed_in(sessions, user, HTTP_201_CREATED)

    @post("/signin", status_code=HTTP_200_OK)
    async def signin(
        self,
        data: JSONBody[CredentialsBody],
        transactions: NamedDependency[Transactions],
        passwords: NamedDependency[Passwords],
        sessions: NamedDependency[SessionCodec],
    ) -> Response[UserOut]:
        user = await sign_in(transactions, passwords, data.email, data.password)
        return _signed_in(sessions, user, HTTP_200_OK)

    @post("/signout", status_code=HTTP_200_OK)
    async def signout(self) -> Response[dict[str, Any]]:
        return Response({}, cookies=[SessionCodec.cleared_cookie()])

    @get("/currentuser")
    async def current(self, current_user: NamedDependency[CurrentUser | None]) -> CurrentUserOut:
        return CurrentUserOut.of(current_user)


def _signed_in(sessions: SessionCodec, user: User, status: int) -> Response[UserOut]:
    return Response(
        UserOut(id=str(user.id), email=user.email),
        status_code=status,
        cookies=[sessions.cookie(str(user.id), user.email)],
    )
