"""The compose front (docker/nginx.conf), run by a real nginx in front of one stand-in server per
module and one for the archive: each path reaches the module (or the archive) the Ingress sends
it to, raw paths pass untouched, nothing else is public, and no answer's cookie reaches another
client."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from app.embedded.process import free_port
from tests.deploy.manifests import PATHS, ROOT

CONFIG = (ROOT / "docker" / "nginx.conf").read_text()
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def stand_in(module: str) -> ThreadingHTTPServer:
    """Answers with its module's name, the path exactly as it arrived and any cookie it got, and
    sets a cookie."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer = {"module": module, "path": self.path}
            if cookie := self.headers.get("Cookie"):
                answer["cookie"] = cookie
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Set-Cookie", f"session={module}; HttpOnly")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not os.access(NGINX, os.X_OK):
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    servers = {module: stand_in(module) for module in PATHS}
    folder, port = tmp_path_factory.mktemp("front"), free_port()
    server = CONFIG.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    for module, upstream in servers.items():
        local = f"http://127.0.0.1:{upstream.server_address[1]}"
        server, count = re.subn(rf"(set \${module}) http://{module}:\d+;", rf"\1 {local};", server)
        assert count == 1, f"no upstream for {module} in nginx.conf"
    (folder / "server.conf").write_text(server)
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        + f"http {{ access_log off; client_body_temp_path {folder}/body; "
        + f"proxy_temp_path {folder}/proxy; include {folder}/server.conf; }}\n"
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while not answers(url):
            assert nginx.poll() is None, nginx.stderr.read().decode() if nginx.stderr else ""
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield url
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for upstream in servers.values():
            upstream.shutdown()


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=1)
    except httpx.TransportError:
        return False
    return True


def get(front: str, path: str) -> httpx.Response:
    with httpx.Client(base_url=front) as client:  # a new client: no cookie carried over
        return client.get(path)


class TestFront:
    def test_each_module_path_and_below_reaches_that_module(self, front: str) -> None:
        for module, paths in PATHS.items():
            for path in paths:
                below = [path] if path == "/" else [path, f"{path}/x/y"]
                for requested in below:
                    answer = get(front, requested)
                    assert answer.json() == {"module": module, "path": requested}, requested

    def test_encoded_paths_pass_through_untouched(self, front: str) -> None:
        for path in ("/api/orders/a%2Fb?x=%20", "/api/tickets/caf%C3%A9", "/orders/%2e"):
            answer = get(front, path)

            assert answer.json()["path"] == path

    def test_dot_segments_are_resolved_before_routing(self, front: str) -> None:
        assert get(front, "/api/users/../tickets").json() == {
            "module": "tickets",
            "path": "/api/tickets",
        }
        assert get(front, "/api/tickets/%2e%2e/%2e%2e/metrics").status_code == 404

    def test_a_nul_byte_is_refused_by_the_front_not_failed_on(self, front: str) -> None:
        assert get(front, "/api/tickets/%00").status_code == 400

    def test_nothing_else_is_public(self, front: str) -> None:
        for path in ("/metrics", "/healthz", "/readyz", "/api/schema", "/apix", "/favicon.ico"):
            answer = get(front, path)

            assert answer.status_code == 404, path
            assert answer.json() == {"errors": [{"message": "Not Found"}]}

    def test_a_cookie_reaches_the_module_only_from_the_client_that_holds_it(
        self, front: str
    ) -> None:
        with httpx.Client(base_url=front) as holder:
            holder.get("/api/users/currentuser")
            again = holder.get("/api/users/currentuser").json()
        stranger = get(front, "/api/users/currentuser").json()

        assert again["cookie"] == "session=auth"
        assert "cookie" not in stranger
