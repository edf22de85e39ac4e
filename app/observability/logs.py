"""Log lines as JSON in production, readable text locally, each naming the work it belongs to.

Every record gets the correlation id, module and event id of the work in
progress (`bus.context`): a request's, or an event handler's in any process.
Outside of those, a record from a module's own code names that module.
uvicorn's loggers are left to propagate here, so its lines are formatted alike.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from opentelemetry import trace

from app.settings import Settings
from bus.context import log_fields

TEXT = "%(asctime)s %(levelname)s %(name)s [%(context)s]: %(message)s"


class WorkContext(logging.Filter):
    """Adds `correlation_id`, `work_module`, `event_id` and, when tracing is on, `trace_id` (and
    `context`, for text) to records."""

    def filter(self, record: logging.LogRecord) -> bool:
        correlation_id, module, event_id = log_fields()
        record.correlation_id = correlation_id
        span = trace.get_current_span().get_span_context()
        record.trace_id = f"{span.trace_id:032x}" if span.is_valid else None
        work_module = module or _module_of(record.name)
        record.work_module = work_module
        record.event_id = event_id
        shown = (work_module, correlation_id and f"cid={correlation_id}", event_id)
        record.context = " ".join(part for part in shown if part) or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; fields that are unset are left out."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None),
            "module": getattr(record, "work_module", None),
            "event_id": getattr(record, "event_id", None),
            "trace_id": getattr(record, "trace_id", None),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps({key: value for key, value in line.items() if value is not None})


def configure_logging(settings: Settings) -> None:
    """TICKETING_LOG_FORMAT chooses: `json` (production) or `text` (the default)."""
    handler = logging.StreamHandler()
    handler.addFilter(WorkContext())
    json_lines = settings.log_format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT))
    logging.basicConfig(level=settings.log_level, handlers=[handler])


def _module_of(logger: str) -> str | None:
    parts = logger.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "modules" else None
