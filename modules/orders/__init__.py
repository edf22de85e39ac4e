"""Orders on tickets, with a replica of tickets; the reservation window."""

from modules.orders.module import module

__all__ = ("module",)
