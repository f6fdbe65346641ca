"""ICGP library: ontology resources, study-package loading, RDF building, validation and queries.

The library never imports terminal code (typer, rich); ``cli.py`` strings its functions together.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("icgp")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
