"""The API's route contract, black-box over HTTP: the same checks whatever serves the base URL.

A test class inherits `RouteContract` and provides a `base_url` fixture: one
`ticketing serve`, or the split deployment's front. Each caller has a cookie
jar of its own, as browsers do, so a session leaking between callers shows.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

import httpx

from tests.support import waiting

PASSWORD = "correct-horse-9"
# Every caller of a contract run signs up from 127.0.0.1: no abuse limit in the way.
NO_ABUSE_LIMITS = {
    "TICKETING_SIGNUPS_PER_ADDRESS": "100000",
    "TICKETING_SIGNIN_FAILURES_PER_ADDRESS": "100000",
}
UNKNOWN_ID = "6b0aa2ccd24e4dc6dd371683"
# Events cross processes: a module hears of a ticket or an order a little later.
eventually = functools.partial(waiting.wait_for, timeout=60)


def errors_of(response: httpx.Response, status: int) -> list[dict[str, str]]:
    """The status, and a body of `{"errors": [{"message", "field"?}]}` only."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"} and body["errors"], body
    for error in body["errors"]:
        assert set(error) <= {"message", "field"} and error["message"], error
    return body["errors"]


def fields_of(response: httpx.Response, status: int) -> set[str | None]:
    return {error.get("field") for error in errors_of(response, status)}


class Caller:
    """Somebody with a cookie jar of their own; `sign_up()` makes them a user."""

    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.email = f"contract-{uuid.uuid4().hex[:10]}@example.com"
        self.id = ""

    def sign_up(self) -> Caller:
        response = self.post("/api/users/signup", email=self.email, password=PASSWORD)
        assert response.status_code == 201, response.text
        assert response.json() == {"id": response.json()["id"], "email": self.email}
        assert "session" in self.http.cookies
        self.id = response.json()["id"]
        return self

    def post(self, path: str, **body: Any) -> httpx.Response:
        return self.http.post(path, json=body)

    def current_user(self) -> dict[str, Any] | None:
        response = self.http.get("/api/users/currentuser")
        assert response.status_code == 200, response.text
        user: dict[str, Any] | None = response.json()["currentUser"]
        return user

    def sell(self, title: str = "Contract night", price: float = 12.5) -> dict[str, Any]:
        response = self.post("/api/tickets", title=title, price=price)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def order(self, ticket_id: str) -> httpx.Response:
        """Once orders has heard of the ticket (404 until then)."""
        return eventually(
            lambda: self.post("/api/orders", ticketId=ticket_id),
            until=lambda r: r.status_code != 404,
        )

    def pay(self, order_id: str, token: str = "tok_visa") -> httpx.Response:
        """Once payments has heard of the order (404 until then)."""
        return eventually(
            lambda: self.post("/api/payments", orderId=order_id, token=token),
            until=lambda r: r.status_code != 404,
        )


class RouteContract:
    def test_sign_up_current_user_sign_out_and_sign_in(self, base_url: str) -> None:
        ann = Caller(base_url).sign_up()
        me = ann.current_user()
        assert me is not None and (me["id"], me["email"]) == (ann.id, ann.email)

        signout = ann.post("/api/users/signout")
        assert (signout.status_code, signout.json()) == (200, {})
        assert ann.current_user() is None

        signin = ann.post("/api/users/signin", email=ann.email, password=PASSWORD)
        assert (signin.status_code, signin.json()) == (200, {"id": ann.id, "email": ann.email})
        assert (ann.current_user() or {}).get("email") == ann.email

    def test_sign_up_and_sign_in_refusals(self, base_url: str) -> None:
        ann, bob = Caller(base_url).sign_up(), Caller(base_url)

        assert fields_of(bob.post("/api/users/signup", email=ann.email, password=PASSWORD), 400)
        invalid_email = bob.post("/api/users/signup", email="no", password=PASSWORD)
        assert "email" in fields_of(invalid_email, 400)
        assert "password" in fields_of(bob.post("/api/users/signup", email=bob.email), 400)
        wrong = bob.post("/api/users/signin", email=ann.email, password=PASSWORD + "x")
        unknown = bob.post("/api/users/signin", email=bob.email, password=PASSWORD)
        assert errors_of(wrong, 400) == errors_of(unknown, 400)
        assert "session" not in bob.http.cookies
        form = bob.http.post("/api/users/signup", content=b"email=x", headers=_FORM)
        assert errors_of(form, 415)

    def test_each_caller_sees_only_their_own_session(self, base_url: str) -> None:
        ann, bob = Caller(base_url).sign_up(), Caller(base_url).sign_up()
        nobody = Caller(base_url)

        assert nobody.current_user() is None
        assert (ann.current_user() or {}).get("id") == ann.id
        assert (bob.current_user() or {}).get("id") == bob.id
        assert errors_of(nobody.post("/api/tickets", title="Mine?", price=5), 401)
        assert ann.sell()["userId"] == ann.id and bob.sell()["userId"] == bob.id
        assert nobody.current_user() is None

    def test_tickets_are_created_listed_read_and_edited_by_their_seller(
        self, base_url: str
    ) -> None:
        seller = Caller(base_url).sign_up()
        ticket = seller.sell("Opera", 42.5)
        assert ticket == {
            "id": ticket["id"],
            "title": "Opera",
            "price": 42.5,
            "userId": seller.id,
            "version": 0,
            "orderId": None,
        }
        anybody = Caller(base_url)

        listed = anybody.http.get("/api/tickets")
        one = anybody.http.get(f"/api/tickets/{ticket['id']}")
        edit = seller.http.put(f"/api/tickets/{ticket['id']}", json={"title": "Ballet", "price": 5})

        assert listed.status_code == 200 and ticket["id"] in {t["id"] for t in listed.json()}
        assert (one.status_code, one.json()) == (200, ticket)
        assert edit.status_code == 200, edit.text
        assert (edit.json()["title"], edit.json()["price"], edit.json()["version"]) == (
            "Ballet",
            5,
            1,
        )

    def test_ticket_refusals(self, base_url: str) -> None:
        seller, other = Caller(base_url).sign_up(), Caller(base_url).sign_up()
        anybody = Caller(base_url)
        ticket_id = seller.sell()["id"]
        path = f"/api/tickets/{ticket_id}"

        assert {"title", "price"} <= fields_of(seller.post("/api/tickets", title="", price=-1), 400)
        assert errors_of(anybody.http.put(path, json={"title": "X", "price": 1}), 401)
        assert errors_of(other.http.put(path, json={"title": "X", "price": 1}), 403)
        assert errors_of(seller.http.put(path, json={"title": "", "price": 1}), 400)
        for missing in (UNKNOWN_ID, "not-an-id", "%00", "%2e%2e"):
            assert errors_of(anybody.http.get(f"/api/tickets/{missing}"), 404)
        unknown = seller.http.put(f"/api/tickets/{UNKNOWN_ID}", json={"title": "X", "price": 1})
        assert errors_of(unknown, 404)

    def test_orders_are_placed_read_and_cancelled_by_their_buyer(self, base_url: str) -> None:
        seller, buyer = Caller(base_url).sign_up(), Caller(base_url).sign_up()
        ticket = seller.sell()

        placed = buyer.order(ticket["id"])
        assert placed.status_code == 201, placed.text
        order = placed.json()
        assert (order["userId"], order["status"], order["ticket"]["id"]) == (
            buyer.id,
            "created",
            ticket["id"],
        )
        assert [o["id"] for o in buyer.http.get("/api/orders").json()] == [order["id"]]
        assert buyer.http.get(f"/api/orders/{order['id']}").json()["id"] == order["id"]

        assert buyer.http.delete(f"/api/orders/{order['id']}").status_code == 204
        assert buyer.http.get(f"/api/orders/{order['id']}").json()["status"] == "cancelled"

    def test_order_refusals(self, base_url: str) -> None:
        seller, buyer, other = (Caller(base_url).sign_up() for _ in range(3))
        anybody = Caller(base_url)
        ticket_id = seller.sell()["id"]

        assert errors_of(anybody.post("/api/orders", ticketId=ticket_id), 401)
        assert "ticketId" in fields_of(buyer.post("/api/orders"), 400)
        assert errors_of(buyer.post("/api/orders", ticketId=UNKNOWN_ID), 404)
        assert errors_of(seller.order(ticket_id), 400)
        order = buyer.order(ticket_id).json()
        assert errors_of(other.order(ticket_id), 400)  # reserved
        assert errors_of(anybody.http.get("/api/orders"), 401)
        assert errors_of(other.http.get(f"/api/orders/{order['id']}"), 403)
        assert errors_of(other.http.delete(f"/api/orders/{order['id']}"), 403)
        assert errors_of(buyer.http.get(f"/api/orders/{UNKNOWN_ID}"), 404)
        assert errors_of(buyer.http.delete("/api/orders/not-an-id"), 404)

    def test_payments_complete_an_order_and_refuse_what_they_must(self, base_url: str) -> None:
        seller, buyer, other = (Caller(base_url).sign_up() for _ in range(3))
        ticket_id = seller.sell()["id"]
        order_id = buyer.order(ticket_id).json()["id"]

        assert errors_of(Caller(base_url).post("/api/payments", orderId=order_id, token="t"), 401)
        assert {"orderId", "token"} <= fields_of(buyer.post("/api/payments"), 400)
        assert errors_of(buyer.post("/api/payments", orderId=UNKNOWN_ID, token="tok_visa"), 404)
        assert errors_of(other.pay(order_id), 403)
        assert errors_of(buyer.pay(order_id, "tok_chargeDeclined"), 402)
        paid = buyer.pay(order_id)
        assert paid.status_code == 201 and set(paid.json()) == {"id"}, paid.text
        assert errors_of(buyer.pay(order_id), 400)
        eventually(
            lambda: buyer.http.get(f"/api/orders/{order_id}").json()["status"],
            until=lambda status: status == "complete",
        )

    def test_a_cancelled_order_cannot_be_paid(self, base_url: str) -> None:
        seller, buyer = Caller(base_url).sign_up(), Caller(base_url).sign_up()
        order_id = buyer.order(seller.sell()["id"]).json()["id"]

        assert buyer.http.delete(f"/api/orders/{order_id}").status_code == 204

        # A declined card changes nothing: 402 until payments hears of the cancellation, then 400.
        eventually(
            lambda: buyer.pay(order_id, "tok_chargeDeclined").status_code,
            until=lambda status: status == 400,
        )
        assert errors_of(buyer.pay(order_id), 400)


_FORM = {"content-type": "application/x-www-form-urlencoded"}
