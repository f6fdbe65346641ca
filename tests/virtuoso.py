"""A real OpenLink Virtuoso (Debian's ``virtuoso-opensource``) for the tests: its own database folder,
free loopback ports, started and stopped by its process id.

:func:`shared_virtuoso` gives every xdist worker of one test run the same server, holding the sample
study: the first worker to ask starts it, the others attach, the last to leave stops it by pid. Tests
that only read the server's union default graph hold :func:`reading`; tests that change its graphs
hold :func:`writing` and put the graphs back before they let go, so that no reader sees their data."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
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


def _start(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start Virtuoso with its database in ``folder`` and wait until it answers; (process, base URL)."""
    binary = require_binary()
    sql_port, http_port = _free_port(), _free_port()
    config = folder / "virtuoso.ini"
    config.write_text(_config(folder, sql_port, http_port), encoding="utf-8")
    with (folder / "stdout.log").open("w", encoding="utf-8") as log:
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
                        return process, base
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("virtuoso did not answer within 120 s")
            time.sleep(0.1)
    except BaseException:
        _stop(process)
        raise


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server this process started, and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[str]:
    """Start Virtuoso with its database in ``folder``; yield its HTTP base URL; stop it by pid."""
    process, base = _start(folder)
    try:
        yield base
    finally:
        _stop(process)


# -- one server for the whole test run ------------------------------------------------------------

# The server this process started, if any: it must be waited for (not left a zombie) when stopped.
_started: dict[int, subprocess.Popen[bytes]] = {}


def is_running(pid: int, name: str | None = None) -> bool:
    """Whether ``pid`` is a live process (not a zombie), and runs ``name`` when given (pids are reused)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    if stat.rsplit(")", 1)[1].split()[0] == "Z":
        return False
    return name is None or name.encode() in command


def _stop_pid(pid: int) -> None:
    """Stop the server with process id ``pid``, whichever worker started it."""
    process = _started.pop(pid, None)
    if process is not None:
        _stop(process)
        return
    if not is_running(pid, BINARY):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while is_running(pid, BINARY):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            deadline += 30
        time.sleep(0.1)


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole test run: every xdist worker's base folder sits in it."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _locked(path: Path, mode: int = fcntl.LOCK_EX) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, mode)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_STATE = "virtuoso-shared.json"


@contextmanager
def shared_virtuoso(folder: Path, prepare: Callable[[str], None]) -> Iterator[str]:
    """The run's one Virtuoso, with its files in ``folder`` (see :func:`run_folder`); yields its base URL.

    Under a file lock, the first caller starts the server and calls ``prepare(base)`` to load it; later
    callers, in this or another worker, attach to it. Each caller's process id is recorded; when the
    last one leaves (or a leaving one finds the others gone) the server is stopped by its pid.
    :func:`stop_shared_virtuoso` stops one that crashed workers left behind."""
    state_file = folder / _STATE
    with _locked(folder / "virtuoso-shared.lock"):
        state = json.loads(state_file.read_text()) if state_file.exists() else None
        if state is None or not is_running(state["pid"], BINARY):
            if state is not None:
                _stop_pid(state["pid"])
            database = folder / "virtuoso-shared"
            shutil.rmtree(database, ignore_errors=True)
            database.mkdir()
            process, base = _start(database)
            _started[process.pid] = process
            try:
                prepare(base)
            except BaseException:
                _stop_pid(process.pid)
                raise
            state = {"pid": process.pid, "base": base, "users": []}
        state["users"] = [user for user in state["users"] if is_running(user)] + [os.getpid()]
        state_file.write_text(json.dumps(state))
    try:
        yield str(state["base"])
    finally:
        with _locked(folder / "virtuoso-shared.lock"):
            current = json.loads(state_file.read_text()) if state_file.exists() else None
            if current is not None and current["pid"] == state["pid"]:
                users = list(current["users"])
                users.remove(os.getpid())  # one use of this process: it may hold another
                users = [user for user in users if is_running(user)]
                if users:
                    state_file.write_text(json.dumps({**current, "users": users}))
                else:
                    _stop_pid(current["pid"])
                    state_file.unlink()


def stop_shared_virtuoso(folder: Path) -> None:
    """Stop the shared server of the run in ``folder`` if one is still up (its workers crashed)."""
    state_file = folder / _STATE
    if state_file.exists():
        with _locked(folder / "virtuoso-shared.lock"):
            if state_file.exists():
                _stop_pid(json.loads(state_file.read_text())["pid"])
                state_file.unlink()


@contextmanager
def reading(folder: Path) -> Iterator[None]:
    """Hold while reading the shared server's union default graph: no writer changes it meanwhile."""
    with _locked(folder / "virtuoso-shared.rw", fcntl.LOCK_SH):
        yield


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Hold while changing the shared server's graphs; put them back before leaving."""
    with _locked(folder / "virtuoso-shared.rw", fcntl.LOCK_EX):
        yield
