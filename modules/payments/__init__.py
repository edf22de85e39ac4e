"""Charges an order through a payment provider, with a replica of orders; refunds if need be."""

from modules.payments.module import module

__all__ = ("module",)
