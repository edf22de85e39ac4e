from app.embedded.lock import DataDirBusy, DataDirLock
from app.embedded.process import ServerStartError
from app.embedded.servers import EmbeddedServers

__all__ = ("DataDirBusy", "DataDirLock", "EmbeddedServers", "ServerStartError")
