from bus.inprocess.bus import InProcessBus

__all__ = ("InProcessBus",)
