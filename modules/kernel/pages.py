"""What every module's HTML pages share: the layout's context, flash messages, safe redirects.

Pages call the same use cases as the JSON API; this only shapes their answers for a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from litestar import Request
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.enums import MediaType
from litestar.response import Redirect, Response
from litestar.status_codes import HTTP_303_SEE_OTHER
from litestar.utils.scope.state import ScopeState
from markupsafe import escape

from modules.kernel.errors import AppError, NotAuthenticated
from modules.kernel.session import CurrentUser
from modules.kernel.sessions import Sessions
from modules.kernel.web import user_of

FLASH_COOKIE = "flash"
Page = Response[str]  # HTML, rendered
KeptPages = dict[tuple[str | None, str | None, str], str]  # by viewer: user id, email, CSRF token
KEPT_PAGES = 1_000


@dataclass(frozen=True)
class Flash:
    """A one-time message shown on the next page: `notice` (role=status) or `error` (alert)."""

    kind: str
    message: str


@dataclass(frozen=True)
class View:
    """The request as a page sees it: who is signed in, whether htmx asked, the flash to show."""

    request: Request[Any, Any, Any]
    user: CurrentUser | None

    @property
    def htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    def signed_in(self) -> CurrentUser:
        """The signed-in user; a visitor is sent to Sign In and brought back afterwards."""
        if self.user is None:
            raise NotAuthenticated()
        return self.user

    def render(self, template: str, *, status_code: int = 200, **context: Any) -> Page:
        """A page inside the layout; a flash waiting in its cookie is shown once, then cleared."""
        flash = read_flash(self.request.cookies.get(FLASH_COOKIE))
        cookies = [Cookie(key=FLASH_COOKIE, value="", max_age=0, path="/")] if flash else []
        html = self._render(template, user=self.user, flash=flash, **context)
        return Response(html, status_code=status_code, media_type=MediaType.HTML, cookies=cookies)

    def render_kept(self, kept: KeptPages, template: str, **context: Any) -> Page:
        """`render` for a page whose own content the caller keeps (`kept` lives as long as
        that content does): rendered once per viewer (user and CSRF token), unless a flash
        is waiting. At most KEPT_PAGES viewers are kept; others are rendered each time."""
        if self.request.cookies.get(FLASH_COOKIE):
            return self.render(template, **context)
        token = self._csrf_token()
        viewer = (self.user.id, self.user.email, token) if self.user else (None, None, token)
        html = kept.get(viewer)
        if html is None:
            html = self._render(template, user=self.user, flash=None, **context)
            if len(kept) < KEPT_PAGES:
                kept[viewer] = html
        return Response(html, media_type=MediaType.HTML)

    def text(self, template: str, **context: Any) -> str:
        """A piece rendered now, for a caller that keeps it: it must not depend on the user."""
        return self._render(template, **context)

    def fragment(self, template: str, *, status_code: int = 200, **context: Any) -> Page:
        """A piece of a page for htmx to swap in; no layout, no flash."""
        html = self._render(template, user=self.user, **context)
        return Response(html, status_code=status_code, media_type=MediaType.HTML)

    def _csrf_token(self) -> str:
        token = ScopeState.from_scope(self.request.scope).csrf_token
        return token if isinstance(token, str) else ""

    def _render(self, template: str, **context: Any) -> str:
        """Rendered here rather than by Litestar's Template response, which costs a page a
        tenth of its time; the context is the same (the CSRF field included)."""
        csrf_input = (
            f'<input type="hidden" name="_csrf_token" value="{escape(self._csrf_token())}" />'
        )
        engine = self.request.app.template_engine
        assert engine is not None, "pages need the app's template engine"
        page: str = engine.get_template(template).render(csrf_input=csrf_input, **context)
        return page


def view_provider(sessions: Sessions) -> Provide:
    """The `view` dependency; it finds the user itself rather than through `current_user`,
    one dependency fewer on every page."""

    async def view(request: Request[Any, Any, Any]) -> View:
        return View(request, await user_of(request, sessions))

    return Provide(view)


def redirect(
    path: str,
    *,
    notice: str | None = None,
    error: str | None = None,
    cookies: list[Cookie] | None = None,
) -> Redirect:
    """303 after a form post, so the browser GETs the next page and a reload re-posts nothing."""
    all_cookies = list(cookies or [])
    if notice or error:
        flash = Flash("error", error) if error else Flash("notice", notice or "")
        all_cookies.append(flash_cookie(flash))
    return Redirect(path, status_code=HTTP_303_SEE_OTHER, cookies=all_cookies)


def flash_cookie(flash: Flash) -> Cookie:
    return Cookie(
        key=FLASH_COOKIE,
        value=quote(f"{flash.kind}|{flash.message}", safe=""),
        max_age=60,
        path="/",
        httponly=True,
        samesite="lax",
    )


def read_flash(value: str | None) -> Flash | None:
    kind, _, message = unquote(value or "").partition("|")
    if kind not in ("notice", "error") or not message:
        return None
    return Flash(kind, message)


def field_errors(error: AppError, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Each field's first message, by form field name (`aliases` maps API field names);
    an error about no field in particular is under ""."""
    found: dict[str, str] = {}
    for problem in error.errors:
        name = (aliases or {}).get(problem.field or "", problem.field or "")
        found.setdefault(name, problem.message)
    return found


def local_path(candidate: str | None, default: str = "/") -> str:
    """Where to go back to after signing in: a path on this site, never another site."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return default
    return candidate
