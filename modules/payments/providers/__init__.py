from modules.payments.providers.local import LocalProvider
from modules.payments.providers.port import CardDeclined, Charge, PaymentProvider, Refund
from modules.payments.providers.stripe_adapter import StripeProvider

__all__ = ("CardDeclined", "Charge", "LocalProvider", "PaymentProvider", "Refund", "StripeProvider")
