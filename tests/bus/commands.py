"""What a client sends to Mongo: counted, and every lookup among it explained by the server."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient, monitoring

Filter = dict[str, Any]


@dataclass(frozen=True)
class Sent:
    database: str
    name: str
    collection: str
    body: dict[str, Any]


class CommandLog(monitoring.CommandListener):
    """Records every command of the client it is registered on (pymongo's event listeners)."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        collection = target if isinstance(target, str) else ""
        self.sent.append(Sent(event.database_name, event.command_name, collection, event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter((sent.name, sent.collection) for sent in self.sent)


def queries(sent: Sent) -> Iterator[tuple[Filter, Filter | None]]:
    """The (filter, sort) pairs a command makes the server look documents up by.

    secantusdb's explain reads no filter out of `update` and `delete` (it
    reports a COLLSCAN of `{}` for any), so each is explained as the `find` its
    storage runs for it. `findAndModify` writes the document it found with
    `{_id, $and: [query]}`, a second lookup that is explained too.
    """
    body = sent.body
    if sent.name == "find":
        yield body.get("filter", {}), body.get("sort")
    elif sent.name in ("count", "distinct"):
        yield body.get("query", {}), None
    elif sent.name == "aggregate":
        first = body["pipeline"][0] if body["pipeline"] else {}
        yield first.get("$match", {}), None
    elif sent.name == "update":
        yield from ((update["q"], None) for update in body["updates"])
    elif sent.name == "delete":
        yield from ((delete["q"], None) for delete in body["deletes"])
    elif sent.name == "findAndModify":
        yield body.get("query", {}), body.get("sort")
        yield {"_id": None, "$and": [body.get("query", {})]}, None


def stages(plan: dict[str, Any]) -> Iterator[str]:
    yield plan["stage"]
    for key in ("inputStage", "outerStage", "innerStage"):
        if key in plan:
            yield from stages(plan[key])
    for child in plan.get("inputStages", []):
        yield from stages(child)


async def unindexed(explainer: AsyncMongoClient, sent_commands: list[Sent]) -> list[str]:
    """Every lookup the server plans as a collection scan or an in-memory sort, described."""
    problems = []
    for sent in sent_commands:
        for filter_, sort in queries(sent):
            find: dict[str, Any] = {"find": sent.collection, "filter": filter_}
            if sort:
                find["sort"] = sort
            explained = await explainer[sent.database].command(
                {"explain": find, "verbosity": "queryPlanner"}
            )
            found = set(stages(explained["queryPlanner"]["winningPlan"])) & {"COLLSCAN", "SORT"}
            if found:
                where = f"{sent.database}.{sent.collection}"
                problems.append(f"{sent.name} on {where} by {filter_} sort {sort}: {sorted(found)}")
    return problems
