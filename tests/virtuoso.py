"""A real OpenLink Virtuoso (Debian's ``virtuoso-opensource``) for the tests: its own database folder,
free loopback ports, started and stopped by its process id."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BINARY = "virtuoso-t"
USER, PASSWORD = "dba", "dba"  # a fresh database's administrator, on loopback only
_VSP = Path("/var/lib/virtuoso-opensource-7/vsp")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(folder: Path, sql_port: int, http_port: int) -> str:
    root = _VSP if _VSP.is_dir() else folder
    return f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def require_binary() -> str:
    """The server binary; a missing one skips the test, or fails it under CI (which installs it)."""
    found = shutil.which(BINARY)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is missing; .ci/run installs Debian's virtuoso-opensource")
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    return found


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[str]:
    """Start Virtuoso with its database in ``folder``; yield its HTTP base URL; stop it by pid."""
    binary = require_binary()
    sql_port, http_port = _free_port(), _free_port()
    config = folder / "virtuoso.ini"
    config.write_text(_config(folder, sql_port, http_port), encoding="utf-8")
    log = (folder / "stdout.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(config)], cwd=folder, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120  # a new database takes 15-40 s to create here
        while True:
            if process.poll() is not None:
                pytest.fail(f"virtuoso stopped at start: {(folder / 'stdout.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("virtuoso did not answer within 120 s")
            time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
