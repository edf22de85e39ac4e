"""Users, sign-up and sign-in, and the session cookie every other module reads."""

from modules.auth.module import module

__all__ = ("module",)
