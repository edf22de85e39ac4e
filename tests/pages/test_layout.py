"""The layout, error pages, static assets and CSRF, seen from a browser."""

from __future__ import annotations

from tests.pages.support import Browser, text_of
from tests.support.apps import AppClient


class TestLayout:
    async def test_a_visitor_is_offered_sign_up_and_sign_in(self, visitor: Browser) -> None:
        response = await visitor.get("/")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "Sign Up" in text_of(response) and "Sign In" in text_of(response)
        assert "Sign Out" not in text_of(response)

    async def test_a_signed_in_person_sees_their_menu_and_email(self, seller: Browser) -> None:
        words = text_of(await seller.get("/"))

        for link in ("Sell Tickets", "My Orders", "My Tickets", "Sign Out", seller.email):
            assert link in words
        assert "Sign Up" not in words

    async def test_htmx_comes_from_the_app_with_its_licence(self, visitor: Browser) -> None:
        page = await visitor.get("/")
        script = await visitor.get("/static/htmx-2.0.11.min.js")
        licence = await visitor.get("/static/htmx-LICENSE.txt")

        assert '<script src="/static/htmx-2.0.11.min.js"' in page.text
        assert script.status_code == 200 and 'version:"2.0.11"' in script.text
        assert "Zero-Clause BSD" in licence.text


class TestErrorPages:
    async def test_an_unknown_page_is_a_404_inside_the_layout(self, visitor: Browser) -> None:
        response = await visitor.get("/no/such/page")

        assert response.status_code == 404
        assert "Page not found" in text_of(response) and "Sign In" in text_of(response)

    async def test_an_unknown_ticket_is_a_404_page(self, visitor: Browser) -> None:
        response = await visitor.get("/tickets/5f0000000000000000000000")

        assert response.status_code == 404
        assert "Ticket not found" in text_of(response)

    async def test_the_api_still_answers_json(self, client: AppClient) -> None:
        response = await client.get("/api/tickets/nope", headers={"accept": "text/html"})

        assert response.status_code == 404
        assert response.json() == {"errors": [{"message": "Ticket not found"}]}


class TestCsrf:
    async def test_a_form_without_its_token_is_refused(self, visitor: Browser) -> None:
        await visitor.get("/auth/signup")
        response = await visitor.http.post(
            "/auth/signup",
            data={"email": "forged@example.com", "password": "secret123"},
            headers={"accept": "text/html"},
        )

        assert response.status_code == 403
        assert "This form has expired" in text_of(response)
        assert "session" not in response.cookies

    async def test_a_token_from_elsewhere_is_refused(self, visitor: Browser) -> None:
        await visitor.get("/auth/signup")
        response = await visitor.http.post(
            "/auth/signup",
            data={"_csrf_token": "x" * 80, "email": "a@example.com", "password": "secret123"},
            headers={"accept": "text/html"},
        )

        assert response.status_code == 403

    async def test_the_json_api_needs_no_token(self, client: AppClient) -> None:
        response = await client.post(
            "/api/users/signup", json={"email": "api@example.com", "password": "secret123"}
        )

        assert response.status_code == 201
