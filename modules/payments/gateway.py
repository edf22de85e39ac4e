"""The provider this process charges through, chosen once at start-up."""

from __future__ import annotations

from modules.kernel import ModuleContext
from modules.payments.providers import LocalProvider, PaymentProvider, StripeProvider


class PaymentGateway:
    """Created empty at import (no connections); the start-up hook picks the adapter."""

    def __init__(self) -> None:
        self._provider: PaymentProvider | None = None

    async def start(self, context: ModuleContext) -> None:
        secret = context.settings.stripe_secret_key
        self._provider = (
            StripeProvider(secret.get_secret_value(), context.settings.stripe_api_base)
            if secret
            else LocalProvider()
        )

    @property
    def provider(self) -> PaymentProvider:
        assert self._provider is not None, "payments not started"
        return self._provider


gateway = PaymentGateway()
