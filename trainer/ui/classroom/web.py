"""The class screen in a browser (``trainer class --web``), served by textual-serve.

textual-serve starts the served command once per browser connection and has no
authentication of its own, so :class:`ClassWebServer` adds what a classroom needs:

- it listens on 127.0.0.1 unless told otherwise;
- on any other address it makes a random token and refuses every request without it
  (an aiohttp middleware in front of every route: the page, its files, the websocket);
  the link printed at start carries the token, the page then keeps it in a cookie;
- one class screen at a time: the screen runs the class's hub, and a class has one hub;
  a second browser is told to close the first (a reload waits for the old one to end);
- the page's websocket address is taken from the address the browser used, so a tablet
  reaching the laptop by its LAN address connects back to the same address.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

TOKEN_COOKIE = "trainer_class_token"
#: how long a new connection waits for the previous screen (a reloaded page) to close
HANDOVER_S = 5.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.x.x.x and ::1: addresses only this machine reaches."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """This machine's address on the local network (for the link to print)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the route
        return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()
    finally:
        probe.close()


def new_token() -> str:
    return secrets.token_urlsafe(18)


def warning_for(host: str) -> str | None:
    """What to tell the instructor before listening on ``host`` (None on loopback)."""
    if is_loopback(host):
        return None
    return (
        f"WARNING: the class screen listens on {host}: anyone on this network who has the "
        "link below can see the class and act as the instructor. Share the link only with "
        "the instructor's own devices; without --host it stays on this computer."
    )


class ClassWebServer(Server):
    """textual-serve's server with a token check and one screen at a time (see above)."""

    def __init__(
        self,
        command: str,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        token: str | None = None,
        title: str = "Pressure Trainer: class",
    ) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token
        self._active = 0
        self._closed = asyncio.Event()

    def url(self) -> str:
        """The link to open (with the token when there is one)."""
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = lan_address()
        shown = f"[{host}]" if ":" in host else host
        link = f"http://{shown}:{self.port}/"
        return f"{link}?token={self.token}" if self.token else link

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard())
        return app

    def _guard(self) -> Any:
        token = self.token

        @web.middleware
        async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
            if token is None:
                return await handler(request)
            given = request.query.get("token") or request.cookies.get(TOKEN_COOKIE, "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                raise web.HTTPForbidden(
                    text="This class screen needs its link with the token, as printed where "
                    "'trainer class --web' runs.\n"
                )
            response = await handler(request)
            if "token" in request.query and not response.prepared:
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
            return response

        return guard

    async def on_startup(self, app: web.Application) -> None:
        warning = warning_for(self.host)
        if warning:
            self.console.print(f"[bold yellow]{warning}[/]", highlight=False)
        self.console.print(f"Class screen at {self.url()}", highlight=False)
        self.console.print("Press Ctrl+C to stop.", highlight=False)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        """The page, with the websocket address the browser used to reach us."""
        if not await self._wait_free():
            return web.Response(
                status=409,
                content_type="text/html",
                text="<!DOCTYPE html><html><body><h1>The class screen is already open</h1>"
                "<p>It is open in another browser window. Close it there, then reload this "
                "page.</p></body></html>",
            )
        scheme = "wss" if request.secure else "ws"
        base = f"{request.scheme}://{request.host}"
        context = {
            "font_size": _to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not await self._wait_free():
            raise web.HTTPConflict(text="The class screen is already open in another browser.\n")
        self._active += 1
        self._closed.clear()
        try:
            return await super().handle_websocket(request)
        finally:
            self._active -= 1
            if not self._active:
                self._closed.set()

    async def _wait_free(self) -> bool:
        if not self._active:
            return True
        try:
            await asyncio.wait_for(self._closed.wait(), HANDOVER_S)
        except TimeoutError:
            return False
        return not self._active


def _to_int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default
