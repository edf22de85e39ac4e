from __future__ import annotations

from pydantic import BaseModel

from modules.kernel import RequestBody


class PaymentBody(RequestBody):
    order_id: str | None = None
    token: str | None = None


class PaymentOut(BaseModel):
    id: str
