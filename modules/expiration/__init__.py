"""Schedules "this order's window is over" with dramatiq delayed messages."""

from modules.expiration.module import module

__all__ = ("module",)
