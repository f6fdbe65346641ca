"""typer's ``CliRunner`` for tests that call ``icgp`` often: the click command is built once per process.

typer's runner turns the Typer app into a click command on every ``invoke`` (about 80 ms for ``icgp``,
more than many of the commands the tests run). The command depends only on the app, which the tests never
change, and click makes a fresh context for every call, so one command serves every call as one serves
every run of the real ``icgp``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any
from unittest import mock

import typer.main
import typer.testing
from typer import Typer

_command_of = functools.cache(typer.main.get_command)


class CliRunner(typer.testing.CliRunner):
    """``typer.testing.CliRunner`` whose ``invoke`` reuses the app's click command (see the module)."""

    def invoke(
        self,
        app: Typer,
        args: str | Sequence[str] | None = None,
        input: bytes | str | None = None,
        env: Mapping[str, str | None] | None = None,
        catch_exceptions: bool = True,
        color: bool = False,
        **extra: Any,
    ) -> typer.testing.Result:
        """Run ``app`` with ``args`` as typer's runner does (same options, same result)."""
        with mock.patch.object(typer.testing, "_get_command", _command_of):
            return super().invoke(app, args, input, env, catch_exceptions, color, **extra)
