"""The served OpenAPI schema documents every status a route can answer, with the error body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls

ERRORS_REF = "#/components/schemas/ErrorsOut"


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """Every module: the schema is the whole API's."""
    async with running(build_app(servers, prefix)) as app_client:
        yield app_client


async def operations(client: AppClient) -> dict[str, dict[str, Any]]:
    response = await client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    return {
        f"{method.upper()} {path}": operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def error_statuses(operation: dict[str, Any]) -> set[int]:
    """Statuses documented with the `{"errors": [...]}` body."""
    return {
        int(status)
        for status, answer in operation["responses"].items()
        if answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
        == ERRORS_REF
    }


class TestOpenApiErrors:
    async def test_every_route_documents_its_error_answers_with_the_error_body(
        self, client: AppClient
    ) -> None:
        documented = {name: error_statuses(op) for name, op in (await operations(client)).items()}

        assert documented["POST /api/tickets"] >= {400, 401, 413, 415}
        assert documented["GET /api/tickets/{ticket_id}"] >= {404}
        assert documented["PUT /api/tickets/{ticket_id}"] >= {401, 403, 404, 409}
        assert documented["POST /api/users/signin"] >= {400, 429}
        assert all(statuses >= {400, 503} for statuses in documented.values()), documented

    async def test_the_error_body_schema_names_message_and_field(self, client: AppClient) -> None:
        schema = (await client.get("/api/schema/openapi.json")).json()
        error = schema["components"]["schemas"]["ErrorOut"]

        assert set(error["properties"]) == {"message", "field"}
        assert error["required"] == ["message"]
