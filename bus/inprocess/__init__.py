from bus.inprocess.bus import Chaos, InProcessBus

__all__ = ("Chaos", "InProcessBus")
