from bus.redis_streams.bus import RedisStreamsBus

__all__ = ("RedisStreamsBus",)
