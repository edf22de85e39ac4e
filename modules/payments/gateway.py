"""The provider this process charges through, chosen once at start-up."""

from __future__ import annotations

from bus import NotReadyYet
from modules.kernel import ModuleContext
from modules.payments.providers import LocalProvider, PaymentProvider, StripeProvider


class PaymentGateway:
    """Created empty at import (no client, no connection); the start-up hook picks the adapter.

    The API and the listeners both reach the provider here: listeners get only
    (event, unit of work), so the module holds it rather than the app's state.
    """

    def __init__(self) -> None:
        self._provider: PaymentProvider | None = None

    async def start(self, context: ModuleContext) -> None:
        secret = getattr(context.settings, "stripe_secret_key", None)
        api_base = getattr(context.settings, "stripe_api_base", None)
        self._provider = (
            StripeProvider(secret.get_secret_value(), api_base) if secret else LocalProvider()
        )

    async def stop(self, _: ModuleContext) -> None:
        """Forget the provider, so an app started later in this process picks its own."""
        self._provider = None

    @property
    def provider(self) -> PaymentProvider:
        """Not started (or already stopped): an event arriving now comes back later."""
        if self._provider is None:
            raise NotReadyYet("payments has not chosen its payment provider yet")
        return self._provider


gateway = PaymentGateway()
