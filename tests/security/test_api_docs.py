"""The API documentation page loads nothing from another host and runs no inline script."""

from __future__ import annotations

import re

import pytest

from tests.support.apps import AppClient

DOC_PAGES = ["/api/schema", "/api/schema/swagger"]


def references(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', page)


class TestApiDocs:
    @pytest.mark.parametrize("path", DOC_PAGES)
    async def test_the_page_loads_only_the_apps_own_files_and_each_is_served(
        self, client: AppClient, path: str
    ) -> None:
        page = await client.get(path)

        assert page.status_code == 200
        urls = references(page.text)
        assert urls, page.text
        assert all(url.startswith("/api/schema/assets/") for url in urls), urls
        for url in urls:
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert asset.headers["content-type"].split(";")[0] in {"text/javascript", "text/css"}

    async def test_the_page_has_no_inline_script(self, client: AppClient) -> None:
        page = (await client.get("/api/schema")).text

        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.DOTALL)
        assert scripts
        assert all('src="' in attributes and not body.strip() for attributes, body in scripts)

    async def test_the_json_schema_stays_at_api_schema(self, client: AppClient) -> None:
        schema = await client.get("/api/schema/openapi.json")

        assert schema.status_code == 200
        assert "/api/users/signup" in schema.json()["paths"]

    async def test_only_known_assets_are_served(self, client: AppClient) -> None:
        assert (await client.get("/api/schema/assets/LICENSE")).status_code == 404
        assert (await client.get("/api/schema/assets/..%2F__init__.py")).status_code == 404
