"""The payments module's table: settings, documents, routes, and its composition root."""

from __future__ import annotations

from pydantic import SecretStr

from modules.kernel import Module, ModuleContext, ModuleSettings, Wiring, provide
from modules.payments.api import PaymentsApi
from modules.payments.documents import OrderReplica, Payment
from modules.payments.listeners import listeners
from modules.payments.pages import PaymentsPages
from modules.payments.providers import LocalProvider, PaymentProvider, StripeProvider


class PaymentsSettings(ModuleSettings):
    stripe_secret_key: SecretStr | None = None  # unset: the local test-token provider
    stripe_api_base: str | None = None


def payment_provider(settings: PaymentsSettings) -> PaymentProvider:
    """Stripe when a secret key is configured, else the local provider."""
    if settings.stripe_secret_key is None:
        return LocalProvider()
    return StripeProvider(settings.stripe_secret_key.get_secret_value(), settings.stripe_api_base)


def bootstrap(
    context: ModuleContext[PaymentsSettings], *, provider: PaymentProvider | None = None
) -> Wiring:
    """`provider` lets a test swap the adapter; by default the settings choose it."""
    chosen = provider or payment_provider(context.settings)
    return Wiring(dependencies={"provider": provide(chosen)}, listeners=listeners(chosen))


module = Module(
    name="payments",
    settings=PaymentsSettings,
    bootstrap=bootstrap,
    documents=[OrderReplica, Payment],
    routes=[PaymentsApi, PaymentsPages],
)
