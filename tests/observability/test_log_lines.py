"""Each log line names its work: JSON for machines, text for people, the same fields in both."""

from __future__ import annotations

import json
import logging
from contextvars import Context

from app.observability.logs import TEXT, JsonFormatter, WorkContext
from bus.context import handling

Work = tuple[str, str, str]  # correlation id, module, event id


def formatted(
    formatter: logging.Formatter, *, work: Work | None = None, logger: str = "bus.delivery"
) -> str:
    """A line logged by `logger` during `work` (none: outside any request or handler)."""

    def log() -> str:
        if work:
            handling(*work)
        record = logging.LogRecord(logger, logging.INFO, __file__, 1, "hello %s", ("you",), None)
        WorkContext().filter(record)
        return formatter.format(record)

    return Context().run(log)


class TestJsonLines:
    def test_a_handlers_line_names_its_correlation_module_and_event(self) -> None:
        line = json.loads(formatted(JsonFormatter(), work=("cid-1", "orders", "e" * 32)))

        assert line["message"] == "hello you" and line["level"] == "INFO"
        assert line["correlation_id"] == "cid-1"
        assert line["module"] == "orders" and line["event_id"] == "e" * 32

    def test_a_line_outside_any_work_leaves_the_fields_out(self) -> None:
        line = json.loads(formatted(JsonFormatter()))

        assert not {"correlation_id", "module", "event_id"} & set(line)

    def test_a_modules_own_logger_names_its_module(self) -> None:
        line = json.loads(formatted(JsonFormatter(), logger="modules.expiration.use_cases"))

        assert line["module"] == "expiration"


class TestTextLines:
    def test_the_same_fields_in_a_readable_line(self) -> None:
        line = formatted(logging.Formatter(TEXT), work=("cid-2", "payments", "f" * 32))

        assert f"[payments cid=cid-2 {'f' * 32}]: hello you" in line
