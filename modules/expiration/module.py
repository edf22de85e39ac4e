"""The expiration module's table: settings, documents, and its composition root."""

from __future__ import annotations

from functools import partial

from pydantic import Field

from modules.expiration.documents import Expiry
from modules.expiration.listeners import listeners
from modules.expiration.scheduler import ExpiryScheduler
from modules.expiration.use_cases import fire_expiry, sweep_overdue
from modules.kernel import Module, ModuleContext, ModuleSettings, Periodic, Wiring


class ExpirationSettings(ModuleSettings):
    expiration_sweep: float = Field(default=30.0, gt=0)  # seconds between sweeps
    run_worker: bool = True  # run the dramatiq worker in this process (split mode: `worker`)


def bootstrap(context: ModuleContext[ExpirationSettings]) -> Wiring:
    transactions = context.transactions
    scheduler = ExpiryScheduler(
        context.redis_url,
        context.namespace,
        partial(fire_expiry, transactions),
        run_worker=context.settings.run_worker,
    )
    sweep = Periodic(
        "expiration-sweep", context.settings.expiration_sweep, partial(sweep_overdue, transactions)
    )
    return Wiring(listeners=listeners(scheduler), services=[scheduler, sweep])


module = Module(
    name="expiration",
    settings=ExpirationSettings,
    bootstrap=bootstrap,
    documents=[Expiry],
)
