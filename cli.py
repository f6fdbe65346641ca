"""The ``icgp`` command line: argument parsing and rendering only; the work happens in ``kg``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from kg import __version__
from kg.errors import InputError

app = typer.Typer(
    name="icgp",
    help="Innovation Clusters as Growth Poles: ontology, knowledge graph and policy queries.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
ontology_app = typer.Typer(help="Check the bundled ontology and vocabularies.", no_args_is_help=True)
app.add_typer(ontology_app, name="ontology")

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error line to stderr and leave with ``code`` (2: bad input or bad call)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def user_errors(func: F) -> F:
    """Turn the library's InputError into a one-line message and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"icgp {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Innovation Clusters as Growth Poles: ontology, knowledge graph and policy queries."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
