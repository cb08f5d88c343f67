"""Serving the classroom page: Solara's own Starlette app, behind a check of who the request is for.

A page on 127.0.0.1 can still be reached from another site through DNS rebinding (a name that
first resolves to the attacker's server, then to 127.0.0.1) or a cross-site WebSocket: the
browser then sends the attacker's host name, or origin. `HostGuard` answers only requests whose
`Host` is a loopback name (or one given with `--allow-host`), and WebSockets only from pages of
such a host; everything else gets 400 (or a refused WebSocket) before Solara sees it. It wraps
Solara's ASGI app from outside, as any ASGI middleware does.

`CdnAliases` lets the page's charts load offline: Solara's chart widget asks for Vega by major
version, which the stored assets hold only by exact version.

Run with `python -m negotiation.web.server --port P [--allow-host NAME ...]` (what `run.py ui` does).
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")
HOSTS_ENV = "NEGOTIATION_ALLOWED_HOSTS"  # further host names, comma-separated (set by `run.py ui --allow-host`)
APP = "negotiation.web.app"


def host_name(value: str | None) -> str | None:
    """The host of a Host header or an origin's netloc, lower-case, without port or brackets: '[::1]:8765' -> '::1'."""
    if not value:
        return None
    try:
        name = urlsplit(f"//{value.strip()}").hostname
    except ValueError:
        return None
    return name.rstrip(".") if name else None


class HostGuard:
    """ASGI middleware: pass on only requests for an allowed host, and WebSockets from an allowed origin."""

    def __init__(self, app, hosts: tuple[str, ...] = LOOPBACK):
        self.app = app
        self.hosts = {h.lower().strip("[]").rstrip(".") for h in hosts}

    def allowed(self, scope: dict) -> bool:
        headers = dict(scope.get("headers") or [])
        if host_name(headers.get(b"host", b"").decode("latin-1")) not in self.hosts:
            return False
        if scope["type"] == "websocket" and b"origin" in headers:
            origin = headers[b"origin"].decode("latin-1")
            return host_name(urlsplit(origin).netloc) in self.hosts
        return True

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or self.allowed(scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            body = b"This page answers only requests for 127.0.0.1 or localhost (see run.py ui --allow-host).\n"
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        else:
            await receive()  # websocket.connect; closing before accepting refuses the handshake (403)
            await send({"type": "websocket.close", "code": 1008})


CDN_PATH = "/_solara/cdn/"


class CdnAliases:
    """ASGI middleware: serve `vega@5/...` from the shipped `vega@5.21.0/...` (and so on), on a machine with no network.

    Solara's chart widget asks its asset cache for vega@5, vega-lite@5 and vega-embed@6 by major version,
    while solara-assets stores them by exact version; the cache would fetch the alias from a public CDN,
    which an offline classroom machine (and CI) cannot reach. Each alias is resolved, once, to the newest
    stored version of that major, and the request's path rewritten before Solara sees it.
    """

    def __init__(self, app, cache: Path):
        self.app = app
        self.aliases: dict[str, str] = {}
        stored = sorted((p.name for p in cache.iterdir() if p.is_dir()), key=_version_key) if cache.is_dir() else []
        for name in stored:  # ascending: the newest of each major wins
            package, _, version = name.rpartition("@")
            if package and version.count(".") == 2:
                self.aliases[f"{package}@{version.split('.')[0]}"] = name

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(CDN_PATH):
            first, _, rest = path[len(CDN_PATH):].partition("/")
            if first in self.aliases:
                path = f"{CDN_PATH}{self.aliases[first]}/{rest}"
                scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


def _version_key(name: str) -> tuple:
    package, _, version = name.rpartition("@")
    return (package, *(int(p) if p.isdigit() else 0 for p in version.split(".")))


def allowed_hosts() -> tuple[str, ...]:
    """Loopback names, and those `--allow-host` added (through the environment, to the server process)."""
    extra = [h.strip() for h in os.environ.get(HOSTS_ENV, "").split(",") if h.strip()]
    return (*LOOPBACK, *extra)


def application():
    """Solara's app for the classroom page, wrapped in the host check."""
    os.environ["SOLARA_APP"] = APP  # read when Solara's server module loads
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    from solara.server import settings
    from solara.server.starlette import app as solara_app

    return HostGuard(CdnAliases(solara_app, Path(settings.assets.proxy_cache_dir)), allowed_hosts())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m negotiation.web.server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    import uvicorn

    # Solara warns at every page load on plain http that its cookie falls back to samesite=lax: right for
    # a page on this machine, and nothing a teacher can act on.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    os.environ.setdefault("SERVER_NAME", "127.0.0.1")  # what Solara's own command sets for the app
    os.environ.setdefault("SERVER_PORT", str(args.port))
    uvicorn.run(application(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
