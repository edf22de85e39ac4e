"""The API documentation page: Swagger UI from our own files, never from a CDN.

The scripts come from the `swagger-ui-py` package (pinned by our dependencies, so what runs is
what was installed), and the page has no inline script, so the strict Content-Security-Policy
holds on it too. The schema itself stays at /api/schema/openapi.json.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from litestar import Request, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.params import FromPath
from litestar.response import File, Response

SCHEMA_PATH = "/api/schema"
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}
START = f'SwaggerUIBundle({{url: "{SCHEMA_PATH}/openapi.json", dom_id: "#swagger-ui"}});\n'
PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ticketing API</title>
<link rel="stylesheet" href="{SCHEMA_PATH}/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SCHEMA_PATH}/assets/swagger-ui-bundle.js"></script>
<script src="{SCHEMA_PATH}/assets/start.js"></script>
</body>
</html>
"""
CACHED = {"cache-control": "public, max-age=86400"}


class SwaggerPage(OpenAPIRenderPlugin):
    """Served at /api/schema and /api/schema/swagger, its assets under /api/schema/assets."""

    def __init__(self) -> None:
        super().__init__(path="/swagger", favicon="", style="")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return PAGE.encode()

    def receive_router(self, router: Router) -> None:
        router.register(asset)


@get("/assets/{name:str}", include_in_schema=False, sync_to_thread=False)
def asset(name: FromPath[str]) -> Response[str] | File:
    if name == "start.js":
        return Response(START, media_type="text/javascript", headers=CACHED)
    if name not in ASSETS:
        raise NotFoundException()
    return File(
        _swagger_ui_files() / name,
        media_type=ASSETS[name],
        content_disposition_type="inline",
        headers=CACHED,
    )


def _swagger_ui_files() -> Path:
    """The package's static folder, found without importing it (its import pulls in Jinja)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise NotFoundException("swagger-ui-py is not installed")
    return Path(spec.submodule_search_locations[0]) / "static"
