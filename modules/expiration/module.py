from modules.expiration.clock import ExpirationClock
from modules.expiration.documents import Expiry
from modules.expiration.listeners import listeners
from modules.kernel import Module

clock = ExpirationClock()

module = Module(
    name="expiration",
    documents=[Expiry],
    listeners=listeners(clock),
    on_startup=[clock.start],
    on_shutdown=[clock.stop],
)
