"""The class screen in a browser: textual-serve, the token check, and Chromium driving it.

The browser test starts a real Mosquitto, simulated stations in this process and
``trainer class --web`` as a process on a free loopback port, then drives Debian's
Chromium through Playwright: the page loads, the stations' tiles arrive, a key press
assigns an exercise (the station receives it through the broker), and a screenshot is
saved in the test's folder. The terminal is drawn on a canvas, so the test reads what
the page received on its websocket (the screen's text) rather than the DOM.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.classroom.conftest import MakeClass
from tests.classroom.test_class_live import LIBRARY, LiveClass
from trainer.classroom.broker import ClassFolder, MosquittoProcess, free_port
from trainer.classroom.protocol import Assignment
from trainer.ui.classroom.run import screen_command
from trainer.ui.classroom.web import (
    TOKEN_COOKIE,
    ClassWebServer,
    is_loopback,
    warning_for,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>])")

#: records every websocket message the page receives, as text
RECORD_SOCKET = """
(() => {
  window.__screen = "";
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const socket = new Native(url, protocols);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__screen += decoder.decode(new Uint8Array(event.data), { stream: true });
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
})();
"""


def require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI must run the browser test: Chromium is not installed (apt install chromium)"
            )
        pytest.skip("chromium is not installed (apt install chromium)")


# -- the token and the address --------------------------------------------------------------


def test_loopback_needs_no_token_and_gets_no_warning() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    assert warning_for("127.0.0.1") is None
    warning = warning_for("0.0.0.0")
    assert warning is not None and warning.startswith("WARNING") and "link" in warning


def test_every_request_needs_the_token(tmp_path: Path) -> None:
    server = ClassWebServer("true", host="127.0.0.1", port=free_port(), token="s3cret-token")

    async def check() -> None:
        app = await server._make_app()
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            for path in ("/", "/ws", "/static/js/textual.js", "/?token=wrong"):
                response = await client.get(path)
                assert response.status == 403, path
                assert "token" in await response.text()
            page = await client.get("/?token=s3cret-token")
            assert page.status == 200
            assert page.cookies[TOKEN_COOKIE].value == "s3cret-token"
            html = await page.text()
            assert f"ws://{page.url.host}:{page.url.port}/ws" in html
            # the page's own files and websocket come with the cookie the page was given
            script = await client.get("/static/js/textual.js")
            assert script.status == 200

    asyncio.run(check())
    assert server.url().endswith("/?token=s3cret-token")


def test_screen_command_runs_this_python_on_the_hub(tmp_path: Path) -> None:
    command = screen_command(tmp_path / "hub.toml", tmp_path / "hub.db")
    assert command.startswith(sys.executable) or command.startswith(f"'{sys.executable}'")
    assert "-m trainer.cli class --class" in command and "--web" not in command
    assert str(tmp_path / "hub.db") in command


# -- Chromium ----------------------------------------------------------------------------------


@pytest.fixture
def web_class(
    make_class: MakeClass,
    start_broker: Callable[[ClassFolder], MosquittoProcess],
    tmp_path: Path,
) -> Iterator[tuple[LiveClass, int]]:
    require_chromium()
    folder = make_class(stations=2, name="web")
    start_broker(folder)
    port = free_port()
    env = dict(os.environ, TRAINER_EXERCISES=str(tmp_path / "none"))
    log = (tmp_path / "web.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "trainer.cli", "class", "--class", str(folder.hub_file),
         "--db", str(tmp_path / "hub.db"), "--web", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # the server and the screens it starts: stopped together
    )  # fmt: skip
    live = LiveClass(folder)  # the screen runs in the served process
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                assert server.poll() is None, (tmp_path / "web.log").read_text()
                assert time.monotonic() < deadline, "the web server did not start"
                time.sleep(0.1)
        yield live, port
    finally:
        live.stop.set()
        for thread in live.threads:
            thread.join(10)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)
        log.close()


def test_browser_shows_the_class_and_assigns_an_exercise(
    web_class: tuple[LiveClass, int], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    live, port = web_class
    live.practise("station-01", "heavy-handed", ("ischemic-compression",))
    live.practise("station-02", "steady", ("graded-levels",))
    first = LIBRARY.sorted()[0]

    def screen(page: object) -> str:
        return ANSI.sub("", page.evaluate("window.__screen"))  # type: ignore[attr-defined]

    def wait_for(page: object, check: Callable[[], bool], what: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {timeout_s} s")
            page.wait_for_timeout(200)  # type: ignore[attr-defined]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(RECORD_SOCKET)
            page.goto(f"http://127.0.0.1:{port}/")
            wait_for(page, lambda: "Class web" in screen(page), "the class screen", 15)
            wait_for(
                page,
                lambda: "1 · Demo 1" in screen(page) and "2 · Demo 2" in screen(page),
                "both stations' tiles",
                15,
            )
            wait_for(page, lambda: "pressing too hard" in screen(page), "the alert", 20)
            page.locator(".xterm-screen").click()
            page.keyboard.press("e")
            wait_for(page, lambda: "Assign an exercise" in screen(page), "the dialog", 10)
            page.keyboard.press("Enter")  # the first exercise, for the station under the cursor

            def assigned() -> bool:
                link = live.links.get("station-01")
                config = link.config if link is not None else None
                return config is not None and config.assignment_for("station-01") == Assignment(
                    first.id, False
                )

            wait_for(page, assigned, "the assignment at station-01", 10)
            shot = tmp_path / "class-screen.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 20_000
        finally:
            browser.close()
