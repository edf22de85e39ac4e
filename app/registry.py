"""The modules this code base can run; the only place that imports them."""

from __future__ import annotations

from typing import Any

from modules.auth import module as auth
from modules.expiration import module as expiration
from modules.kernel import Module
from modules.orders import module as orders
from modules.payments import module as payments
from modules.tickets import module as tickets

AVAILABLE: dict[str, Module[Any]] = {
    module.name: module for module in (auth, tickets, orders, payments, expiration)
}


def select_modules(names: str | None) -> list[Module[Any]]:
    """Modules named in a comma-separated list (all when empty); ValueError for an unknown name."""
    if not names:
        return list(AVAILABLE.values())
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in AVAILABLE]
    if unknown:
        raise ValueError(
            f"unknown module(s): {', '.join(unknown)}; choose from {', '.join(AVAILABLE)}"
        )
    return [AVAILABLE[name] for name in chosen]
