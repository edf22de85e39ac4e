"""Schemathesis over the served OpenAPI schema, against a real `ticketing serve`: generated
requests, stateless and stateful, signed in; no server error, no answer the schema does not
document (status, content type, body, headers)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.processes.serving import Launcher, Serving

pytestmark = pytest.mark.processes

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def session(serving: Serving) -> dict[str, str]:
    """A fresh signed-in user's cookie (each operation gets its own: signing out ends one)."""
    email = f"fuzz-{uuid.uuid4().hex[:10]}@example.com"
    with serving.client() as http:
        response = http.post("/api/users/signup", json={"email": email, "password": "fuzzing123"})
    assert response.status_code == 201, response.text
    return {"cookie": f"session={response.cookies['session']}"}


def schema_of(serving: Serving) -> Any:
    return schemathesis.openapi.from_url(f"{serving.url}/api/schema/openapi.json")


def test_every_operation_answers_as_documented(launcher: Launcher) -> None:
    serving = launcher.start()
    schema = schema_of(serving)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:
        conforms(operation, serving.url, session(serving))


def conforms(operation: Any, base_url: str, headers: dict[str, str]) -> None:
    """Generated requests to one operation, each answered as the schema documents."""

    @given(case=operation.as_strategy())
    @BOUNDED
    def check(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    check()


def test_sequences_of_calls_answer_as_documented(launcher: Launcher) -> None:
    serving = launcher.start()
    headers = session(serving)
    workflow = schema_of(serving).as_state_machine()

    class SignedIn(workflow):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": serving.url, "headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    SignedIn.run(settings=settings(BOUNDED, max_examples=10, stateful_step_count=6))
    with httpx.Client(base_url=serving.url) as http:
        assert http.get("/api/users/currentuser").status_code == 200
