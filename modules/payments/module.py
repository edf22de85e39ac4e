"""The payments module's table: settings, documents, routes, and its composition root."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from pydantic import Field, SecretStr

from modules.kernel import Module, ModuleContext, ModuleSettings, Periodic, Wiring, provide
from modules.payments.api import PaymentsApi
from modules.payments.documents import OrderReplica, Payment
from modules.payments.listeners import listeners
from modules.payments.pages import PaymentsPages
from modules.payments.providers import LocalProvider, PaymentProvider, StripeProvider
from modules.payments.settlement import reconcile


class PaymentsSettings(ModuleSettings):
    stripe_secret_key: SecretStr | None = None  # unset: the local test-token provider
    stripe_api_base: str | None = None
    # A payment still pending this long (a crash, a provider that never answered) is settled
    # against the provider; longer than Stripe's search lag and any charge request's timeout.
    payment_settle_after: float = Field(default=120.0, gt=0)
    payment_reconcile_every: float = Field(default=30.0, gt=0)


def payment_provider(settings: PaymentsSettings) -> PaymentProvider:
    """Stripe when a secret key is configured, else the local provider."""
    if settings.stripe_secret_key is None:
        return LocalProvider()
    return StripeProvider(settings.stripe_secret_key.get_secret_value(), settings.stripe_api_base)


def bootstrap(
    context: ModuleContext[PaymentsSettings], *, provider: PaymentProvider | None = None
) -> Wiring:
    """`provider` lets a test swap the adapter; by default the settings choose it."""
    settings = context.settings
    chosen = provider or payment_provider(settings)
    settle = partial(
        reconcile,
        context.transactions,
        chosen,
        timedelta(seconds=settings.payment_settle_after),
    )
    reconciler = Periodic(
        "payments-reconciler", settings.payment_reconcile_every, settle, immediately=True
    )
    return Wiring(
        dependencies={"provider": provide(chosen)},
        listeners=listeners(chosen),
        services=[reconciler],
    )


module = Module(
    name="payments",
    settings=PaymentsSettings,
    bootstrap=bootstrap,
    documents=[OrderReplica, Payment],
    routes=[PaymentsApi, PaymentsPages],
)
