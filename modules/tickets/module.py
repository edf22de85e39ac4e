from modules.kernel import Module
from modules.tickets.api import TicketsApi
from modules.tickets.documents import Ticket
from modules.tickets.listeners import LISTENERS

module = Module(
    name="tickets",
    documents=[Ticket],
    routes=[TicketsApi],
    listeners=LISTENERS,
)
