from modules.kernel import Module
from modules.payments.api import PaymentsApi
from modules.payments.documents import OrderReplica, Payment
from modules.payments.gateway import gateway
from modules.payments.listeners import LISTENERS

module = Module(
    name="payments",
    documents=[OrderReplica, Payment],
    routes=[PaymentsApi],
    listeners=LISTENERS,
    on_startup=[gateway.start],
    on_shutdown=[gateway.stop],
)
