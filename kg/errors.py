"""Exceptions the library raises for problems a user can fix.

The CLI maps :class:`InputError` (and its subclasses) to exit code 2 with a one-line message;
anything else is a bug in ICGP and may surface as a traceback.
"""

from __future__ import annotations


class IcgpError(Exception):
    """Base class of every error ICGP raises on purpose."""


class InputError(IcgpError):
    """The input could not be read or the call was wrong: say what, where and how to fix it."""


class ResourceMissingError(IcgpError):
    """A bundled resource (ontology, shapes, queries, sample data) is not where the package expects it."""
