"""storylens: compare how different outlets cover the same story, every finding traced to its span."""

from storylens._version import __version__

__all__ = ["__version__"]
