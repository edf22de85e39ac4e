"""The auth module's table: settings, documents, routes, and its composition root."""

from __future__ import annotations

from pydantic import Field

from modules.auth.api import UsersApi
from modules.auth.documents import User
from modules.auth.passwords import HashCost, Passwords
from modules.kernel import Module, ModuleContext, ModuleSettings, Wiring, provide


class AuthSettings(ModuleSettings):
    # Argon2id at or above OWASP's minimum (t=2, m=19 MiB, p=1): ~27 ms of CPU here.
    password_time_cost: int = Field(default=3, ge=2)
    password_memory_kib: int = Field(default=19 * 1024, ge=19 * 1024)
    password_parallelism: int = Field(default=1, ge=1)
    password_workers: int = Field(default=2, ge=1)  # threads hashing at once, per process


def bootstrap(
    context: ModuleContext[AuthSettings], *, passwords: Passwords | None = None
) -> Wiring:
    settings = context.settings
    hashing = passwords or Passwords(
        HashCost(
            settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism
        ),
        workers=settings.password_workers,
    )
    return Wiring(dependencies={"passwords": provide(hashing)}, services=[hashing])


module = Module(
    name="auth",
    settings=AuthSettings,
    bootstrap=bootstrap,
    documents=[User],
    routes=[UsersApi],
)
