"""The web app over a library store: ``storylens serve`` (see :func:`create_app`)."""

from __future__ import annotations

from storylens.web.app import create_app

__all__ = ["create_app"]
