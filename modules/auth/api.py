"""JSON API of auth, route-compatible with the original Node app."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from modules.auth.documents import User
from modules.auth.schemas import CredentialsBody, UserOut
from modules.auth.use_cases import sign_in, sign_up
from modules.kernel import SESSION_COOKIE, CurrentUser, session_codec


class UsersApi(Controller):
    path = "/api/users"
    tags = ["auth"]

    @post("/signup", status_code=HTTP_201_CREATED)
    async def signup(
        self, request: Request[Any, Any, Any], data: JSONBody[CredentialsBody]
    ) -> Response[UserOut]:
        user = await sign_up(data.email, data.password)
        return _signed_in(request, user, HTTP_201_CREATED)

    @post("/signin", status_code=HTTP_200_OK)
    async def signin(
        self, request: Request[Any, Any, Any], data: JSONBody[CredentialsBody]
    ) -> Response[UserOut]:
        user = await sign_in(data.email, data.password)
        return _signed_in(request, user, HTTP_200_OK)

    @post("/signout", status_code=HTTP_200_OK)
    async def signout(self) -> Response[dict[str, Any]]:
        return Response({}, cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")])

    @get("/currentuser")
    async def current(self, current_user: NamedDependency[CurrentUser | None]) -> dict[str, Any]:
        if current_user is None:
            return {"currentUser": None}
        return {
            "currentUser": {
                "id": current_user.id,
                "email": current_user.email,
                "iat": current_user.issued_at,
                "exp": current_user.expires_at,
            }
        }


def _signed_in(request: Request[Any, Any, Any], user: User, status: int) -> Response[UserOut]:
    sessions = session_codec(request)
    cookie = Cookie(
        key=SESSION_COOKIE,
        value=sessions.issue(str(user.id), user.email),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
        max_age=int(sessions.lifetime.total_seconds()),
        path="/",
    )
    return Response(
        UserOut(id=str(user.id), email=user.email), status_code=status, cookies=[cookie]
    )
