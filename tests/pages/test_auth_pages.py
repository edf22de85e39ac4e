"""Sign Up, Sign In and Sign Out pages."""

from __future__ import annotations

from tests.pages.support import Browser, text_of


class TestSignUp:
    async def test_the_form_labels_every_field(self, visitor: Browser) -> None:
        page = await visitor.get("/auth/signup")

        assert page.status_code == 200
        assert '<label for="email">Email</label>' in page.text
        assert '<label for="password">Password</label>' in page.text

    async def test_signing_up_signs_in_and_greets(self, visitor: Browser) -> None:
        await visitor.sign_up()
        home = await visitor.get("/")

        assert "Welcome! You are signed up." in text_of(home)
        assert visitor.email in text_of(home)
        assert "Welcome" not in text_of(await visitor.get("/")), "a flash shows once"

    async def test_every_bad_field_is_shown_beside_it(self, visitor: Browser) -> None:
        response = await visitor.submit(
            "/auth/signup", "/auth/signup", email="not-an-email", password="x"
        )

        assert response.status_code == 400
        assert 'id="email-error">Email must be valid' in response.text
        assert 'id="password-error">Password must be between' in response.text
        assert 'value="not-an-email"' in response.text, "what was typed is kept"

    async def test_an_email_in_use_is_refused(self, visitor: Browser, seller: Browser) -> None:
        response = await visitor.submit(
            "/auth/signup", "/auth/signup", email=seller.email, password="secret123"
        )

        assert response.status_code == 400
        assert 'id="email-error">Email in use' in response.text


class TestSignIn:
    async def test_wrong_credentials_are_refused_on_the_form(self, seller: Browser) -> None:
        await seller.submit("/auth/signout", "/auth/signout")
        response = await seller.submit(
            "/auth/signin", "/auth/signin", email=seller.email, password="wrong-one"
        )

        assert response.status_code == 400
        assert "Invalid credentials" in text_of(response)

    async def test_a_visitor_to_a_signed_in_page_signs_in_and_returns(
        self, visitor: Browser, seller: Browser
    ) -> None:
        asked = await visitor.get("/orders")
        assert asked.status_code == 303
        assert asked.headers["location"] == "/auth/signin?next=/orders"

        response = await visitor.submit(
            asked.headers["location"],
            "/auth/signin",
            email=seller.email,
            password="secret123",
            next="/orders",
        )

        assert response.status_code == 303 and response.headers["location"] == "/orders"
        assert "My Orders" in text_of(await visitor.get("/orders"))

    async def test_next_never_leads_to_another_site(self, seller: Browser) -> None:
        response = await seller.submit(
            "/auth/signin",
            "/auth/signin",
            email=seller.email,
            password="secret123",
            next="//evil.example.com/",
        )

        assert response.headers["location"] == "/"


class TestSignOut:
    async def test_the_original_path_offers_the_button(self, seller: Browser) -> None:
        page = await seller.get("/auth/signout")

        assert page.status_code == 200 and "Sign Out" in text_of(page)

    async def test_signing_out_forgets_the_session(self, seller: Browser) -> None:
        response = await seller.submit("/", "/auth/signout")
        home = await seller.get("/")

        assert response.status_code == 303
        assert "You are signed out." in text_of(home)
        assert "Sign In" in text_of(home) and seller.email not in text_of(home)
