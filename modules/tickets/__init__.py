"""Tickets for sale; a ticket is locked while an order holds it."""

from modules.tickets.module import module

__all__ = ("module",)
