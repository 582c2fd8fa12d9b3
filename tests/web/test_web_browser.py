"""The dashboard in a real browser: Playwright driving Debian's chromium (marker ``browser``).

The application runs under uvicorn in a thread of the test process, over the test county.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from web_county import PASSWORD, USERS, Web

from ecowarden.web.accounts import Role
from ecowarden.web.dashboard import VENDOR_DIRECTORY

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(
        not VENDOR_DIRECTORY.is_dir(),
        reason="front-end libraries not installed: run npm ci in src/ecowarden/web/frontend",
    ),
]
playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(web_factory: Callable[..., Web]) -> Iterator[tuple[str, Web]]:
    web = web_factory()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", web
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_overview_map_air_calendar_and_sign_in(served: tuple[str, Web]) -> None:
    base, _ = served
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/")
            # one air station on the map, drawn by Leaflet as an SVG circle marker
            page.wait_for_selector("#map path.leaflet-interactive")
            assert page.locator("#map path.leaflet-interactive").count() == 1
            assert page.locator("#county-aqi").inner_text() == "50"
            page.click("text=English")
            assert page.locator("html").get_attribute("lang") == "en"
            page.goto(f"{base}/air")
            page.wait_for_selector("#calendar canvas")
            page.goto(f"{base}/login")
            page.fill("input[name=username]", USERS[Role.ENFORCEMENT])
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/?lang=zh")
            page.goto(f"{base}/enterprises")
            assert page.locator("#outlet-table tr").count() == 3  # header + outlets DA001, DB001
            assert errors == []
        finally:
            browser.close()
