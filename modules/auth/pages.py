"""Sign Up, Sign In and Sign Out pages, over the same use cases as the JSON API."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from pydantic import BaseModel

from modules.auth.use_cases import Accounts, Attempt, sign_in, sign_up
from modules.kernel import (
    AppError,
    Page,
    SessionCodec,
    Sessions,
    View,
    client_address,
    field_errors,
    local_path,
    redirect,
)


class CredentialsForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = "/"


class AuthPages(Controller):
    path = "/auth"
    include_in_schema = False

    @get("/signup")
    async def signup_form(self, view: NamedDependency[View], next: FromQuery[str] = "/") -> Page:
        return view.render("auth/signup.html", email="", errors={}, next=local_path(next))

    @post("/signup")
    async def signup(
        self,
        data: URLEncodedBody[CredentialsForm],
        view: NamedDependency[View],
        accounts: NamedDependency[Accounts],
        sessions: NamedDependency[Sessions],
    ) -> Response[Any]:
        try:
            user = await sign_up(accounts, _attempt(view, data))
        except AppError as error:
            return _form_again(view, "auth/signup.html", data, error)
        cookie = await sessions.open(str(user.id), user.email)
        return redirect(
            local_path(data.next), notice="Welcome! You are signed up.", cookies=[cookie]
        )

    @get("/signin")
    async def signin_form(self, view: NamedDependency[View], next: FromQuery[str] = "/") -> Page:
        return view.render("auth/signin.html", email="", errors={}, next=local_path(next))

    @post("/signin")
    async def signin(
        self,
        data: URLEncodedBody[CredentialsForm],
        view: NamedDependency[View],
        accounts: NamedDependency[Accounts],
        sessions: NamedDependency[Sessions],
    ) -> Response[Any]:
        try:
            user = await sign_in(accounts, _attempt(view, data))
        except AppError as error:
            return _form_again(view, "auth/signin.html", data, error)
        cookie = await sessions.open(str(user.id), user.email)
        return redirect(local_path(data.next), notice="You are signed in.", cookies=[cookie])

    @get("/signout")
    async def signout_form(self, view: NamedDependency[View]) -> Page:
        """Signing out changes state, so the original client's link leads to a button."""
        return view.render("auth/signout.html")

    @post("/signout")
    async def signout(
        self, view: NamedDependency[View], sessions: NamedDependency[Sessions]
    ) -> Response[Any]:
        if view.user is not None:
            await sessions.close(view.user)
        return redirect("/", notice="You are signed out.", cookies=[SessionCodec.cleared_cookie()])


def _attempt(view: View, data: CredentialsForm) -> Attempt:
    return Attempt(data.email, data.password, client_address(view.request))


def _form_again(view: View, template: str, data: CredentialsForm, error: AppError) -> Page:
    """The form with what was typed (never the password) and each field's error beside it."""
    return view.render(
        template,
        status_code=error.status_code,
        email=data.email,
        errors=field_errors(error),
        next=local_path(data.next),
    )
