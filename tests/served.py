"""``icgp serve`` in a process of its own on a free loopback port, for the tests that talk HTTP to it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def icgp_serve(source: Path, *options: str, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run ``icgp serve SOURCE --port 0 --quiet OPTIONS``; the SPARQL endpoint URL it prints, for the
    block. The server is killed when the block ends; what it wrote to stderr is in the failure message
    when it does not start."""
    command = [sys.executable, "-c", "from cli import app; app()", "serve", str(source), "--port", "0"]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [*command, "--quiet", *options],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            if not (url.startswith("http://127.0.0.1:") and url.endswith("/sparql")):
                stderr.seek(0)
                raise AssertionError(f"icgp serve did not start: {url!r} {stderr.read().decode()}")
            yield url
        finally:
            process.kill()
            process.wait(timeout=10)
