"""The auth module's table: settings, documents, routes, and its composition root."""

from __future__ import annotations

from pydantic import Field

from modules.auth.api import UsersApi
from modules.auth.documents import User
from modules.auth.limits import AttemptCounter, AttemptLimits, Limit
from modules.auth.pages import AuthPages
from modules.auth.passwords import HashCost, Passwords
from modules.auth.use_cases import Accounts
from modules.kernel import Module, ModuleContext, ModuleSettings, Wiring, provide


class AuthSettings(ModuleSettings):
    # Argon2id at or above OWASP's minimum (t=2, m=19 MiB, p=1): ~27 ms of CPU here.
    password_time_cost: int = Field(default=3, ge=2)
    password_memory_kib: int = Field(default=19 * 1024, ge=19 * 1024)
    password_parallelism: int = Field(default=1, ge=1)
    password_workers: int = Field(default=2, ge=1)  # threads hashing at once, per process
    signin_failures_per_account: int = Field(default=10, ge=1)  # in a window, then 429
    signin_failures_per_address: int = Field(default=100, ge=1)
    signups_per_address: int = Field(default=20, ge=1)
    attempt_window: int = Field(default=900, gt=0)  # seconds


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
    counter = AttemptCounter(context.connect_redis(), context.namespace)
    window = settings.attempt_window
    limits = AttemptLimits(
        counter,
        failed_per_account=Limit(settings.signin_failures_per_account, window),
        failed_per_address=Limit(settings.signin_failures_per_address, window),
        signups_per_address=Limit(settings.signups_per_address, window),
    )
    return Wiring(
        dependencies={"accounts": provide(Accounts(context.transactions, hashing, limits))},
        services=[hashing, counter],
    )


module = Module(
    name="auth",
    settings=AuthSettings,
    bootstrap=bootstrap,
    documents=[User],
    routes=[UsersApi, AuthPages],
)
