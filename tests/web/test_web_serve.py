"""``ecowarden serve``: the command starts uvicorn and the API answers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ecowarden.store.testing import provision

#: The installed console script beside this interpreter.
ECOWARDEN = str(Path(sys.executable).parent / "ecowarden")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_answers_health(database_url: str) -> None:
    provision(database_url).close()
    port = free_port()
    environment = {**os.environ, "ECOWARDEN_SECRET_KEY": "s" * 40}
    server = subprocess.Popen(
        [ECOWARDEN, "serve", "--port", str(port), "--database", database_url],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        answer: dict[str, object] | None = None
        headers: dict[str, str] = {}
        while time.monotonic() < deadline and answer is None:
            try:
                url = f"http://127.0.0.1:{port}/api/v1/health"
                with urllib.request.urlopen(url, timeout=1) as response:
                    answer = json.loads(response.read())
                    headers = {name.lower(): value for name, value in response.headers.items()}
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert answer is not None, "server did not start"
        assert answer["status"] == "ok"
        assert "server" not in headers
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr is not None:
            server.stderr.close()


def test_serve_refuses_a_short_secret_key() -> None:
    result = subprocess.run(
        [ECOWARDEN, "serve"],
        env={**os.environ, "ECOWARDEN_SECRET_KEY": "short"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "secret key" in result.stderr
