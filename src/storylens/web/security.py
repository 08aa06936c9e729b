"""Safety of the web app: response headers (CSP without inline script), cross-site POST checks,
and a cap on request bodies.

The app binds to 127.0.0.1 by default and has no accounts, so the threats are other web pages
the user visits (cross-site form posts, DNS rebinding: handled by the CSRF token, the Origin and
Sec-Fetch-Site checks and the allowed Host names) and hostile article text (handled by escaping
everything in templates, and by a Content-Security-Policy that runs no inline script at all).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any, Awaitable, Callable, MutableMapping
from urllib.parse import urlsplit

__all__ = ["SECURITY_HEADERS", "CsrfToken", "cross_site_reason", "BodyLimit"]

# No inline script or style, no plugins, no framing, forms only to this origin.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class CsrfToken:
    """One random token per server process, put in every form and required on every form POST.

    A page on another site cannot read it (same-origin policy), so it cannot forge the form.
    """

    def __init__(self) -> None:
        self.value = secrets.token_urlsafe(32)

    def check(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.value.encode())


def cross_site_reason(headers: Any, host: str | None, scheme: str) -> str | None:
    """Why a state-changing request looks cross-site, or None when it comes from this origin.

    Browsers send ``Sec-Fetch-Site`` and ``Origin`` with POSTs; scripts and curl send neither,
    and they are not what CSRF is about (they cannot ride on the user's browser).
    """
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return f"cross-site request refused (Sec-Fetch-Site: {site})"
    origin = headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if origin == "null" or parts.netloc != (host or "") or parts.scheme != scheme:
            return f"cross-origin request refused (Origin: {origin})"
    return None


Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: answer 413 when a request body is larger than ``max_bytes`` (checked on
    the declared Content-Length first, then on the bytes actually received)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reply(send, 400, "bad Content-Length")
                    return
                if declared > self.max_bytes:
                    await _reply(send, 413, f"request body over {self.max_bytes} bytes")
                    return
        seen = 0
        started = False

        async def counted() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except _TooLarge:
            if not started:
                await _reply(send, 413, f"request body over {self.max_bytes} bytes")


async def _reply(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
