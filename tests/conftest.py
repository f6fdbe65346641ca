"""Shared fixtures: where the repository and the read-only external data live, and the expensive inputs
that many test modules read (built once per test run).

The shared results are not copied for each test: a test may read them but must never change them. A test
that changes a store or a release folder works on its own copy (``shutil.copytree`` into ``tmp_path``).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
from cli_runner import CliRunner
from pyoxigraph import Store
from virtuoso import PASSWORD, USER, run_folder, shared_virtuoso, stop_shared_virtuoso

from cli import app
from kg.build.study import BuiltStudy, build_package, store_study
from kg.ontology.resources import sample_study_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
# CI and developers have the project's shared folder (external data sets) beside the clone.
SHARED_DIR = REPO_ROOT.parent / "shared"
MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
# The build time every shared build records; the test modules that build fix the same one.
BUILD_EPOCH = "1700000000"


# Room the run's temporary folders need in RAM (a whole run writes about 1.2 GB in 86k small files).
_RAM_FOLDER_NEEDS = 4 * 2**30


def pytest_configure(config: pytest.Config) -> None:
    """Put the run's temporary folders in RAM (``/dev/shm``) when it has room and none was given.

    The suite writes some 86k small files (releases, stores, sites); on this machine's disk each file
    took ten times as long to create as in RAM. Only pytest's own folders move (xdist's workers take
    theirs from the controller), and with ``tmp_path_retention_policy = "failed"`` a passing test's
    folder is removed, so a green run leaves nothing in RAM."""
    if config.option.basetemp or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    ram = Path("/dev/shm")
    if ram.is_dir() and os.access(ram, os.W_OK) and shutil.disk_usage(ram).free > _RAM_FOLDER_NEEDS:
        tempfile.tempdir = str(ram)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark slow every test that reads the sample releases: whichever runs first waits for them."""
    for item in items:
        if "sample_releases" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the run's shared Virtuoso if crashed workers left it up (the last worker to leave stops it)."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None and not os.environ.get("PYTEST_XDIST_WORKER"):
        stop_shared_virtuoso(factory.getbasetemp())


def built_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` made by ``make(folder)`` once per test run, however many xdist workers ask.

    The workers share the parent of their base temporary folders; the first to take the lock makes the
    folder there, the others wait for it and read the same one. A ``.done`` marker tells a finished
    folder from one a failed ``make`` left behind (that one is made again)."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done = shared / name, shared / f"{name}.done"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@contextmanager
def fixed_build_time() -> Iterator[None]:
    """Builds inside record the time of ``BUILD_EPOCH`` (``SOURCE_DATE_EPOCH``), as the tests expect."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        yield


@pytest.fixture(scope="session")
def external_data() -> Path:
    """The folder of real public data sets (Eurostat, NUTS, REFI-QDA) beside the repository."""
    path = SHARED_DIR / "data" / "external"
    assert path.is_dir(), f"external data not found at {path}; the shared folder must sit beside the repo"
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout the tests run from."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def sample_built() -> BuiltStudy:
    """The bundled sample study checked and built, at the fixed build time. Read it, never change it."""
    with fixed_build_time():
        return build_package(sample_study_dir())


@pytest.fixture(scope="session")
def sample_store(sample_built: BuiltStudy) -> Store:
    """An in-memory store with the sample study, the ontology and the vocabularies. Query it only."""
    store = Store()
    store_study(store, sample_built)
    return store


@pytest.fixture(scope="session")
def sample_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store made by ``icgp build data/ --store DIR`` (the sample, at the fixed build time).

    Open it read-only (``icgp export``, ``release``, ``serve`` and ``query`` do); to change it, copy it."""
    return built_once(tmp_path_factory, "sample-store", lambda path: _build_store(sample_study_dir(), path))


@pytest.fixture(scope="session")
def mini_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store made by ``icgp build tests/fixtures/build/mini --store DIR``.

    Open it read-only (``icgp export``, ``release`` and ``query`` do); to change it, copy the folder."""
    return built_once(tmp_path_factory, "mini-store", lambda folder: _build_store(MINI, folder))


def _build_store(package: Path, folder: Path) -> None:
    """``icgp build PACKAGE --store FOLDER`` at the fixed build time."""
    with fixed_build_time():
        result = CliRunner().invoke(app, ["build", str(package), "--store", str(folder)])
    assert result.exit_code == 0, result.output


class Release(NamedTuple):
    """A release folder made once per test run, and what ``icgp release`` wrote to stderr making it."""

    folder: Path
    stderr: str


def released_once(factory: pytest.TempPathFactory, name: str, args: Sequence[str]) -> Release:
    """``icgp release ARGS --out FOLDER`` at the fixed build time, made once per test run (``built_once``).

    Read the folder, never change it: a test that changes a release works on its own copy."""

    def make(base: Path) -> None:
        with fixed_build_time():
            result = CliRunner().invoke(app, ["release", *args, "--out", str(base / "release")])
        assert result.exit_code == 0, result.output
        (base / "stderr.txt").write_text(result.stderr, encoding="utf-8")

    base = built_once(factory, name, make)
    return Release(base / "release", (base / "stderr.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mini_release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """``icgp release tests/fixtures/build/mini --version 1.0.0`` at the fixed build time."""
    return released_once(tmp_path_factory, "mini-release", [str(MINI), "--version", "1.0.0"])


RELEASE_ARGS = (
    "--version", "1.0.0",
    "--files-url", "https://files.example.org/icgp/",
    # A publisher mints the DOI (e.g. on Zenodo) before releasing; this one is made up for the tests.
    "--doi", "10.5281/zenodo.1234567",
)  # fmt: skip


@pytest.fixture(scope="session")
def sample_releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two releases of the same input (the sample, ``RELEASE_ARGS``), each made by ``icgp release`` in a
    fresh Python process: the first with hash seed 1 at 2023-11-14T22:13:20Z (``SOURCE_DATE_EPOCH``
    1700000000), the second with hash seed 2 at 2027-01-15T08:00:00Z (1800000000).

    The two processes share nothing, so they run at once. Read the folders, never change them."""
    base = built_once(tmp_path_factory, "sample-releases", _make_sample_releases)
    return base / "first", base / "second"


def _make_sample_releases(base: Path) -> None:
    runs = []
    for name, epoch, seed in (("first", "1700000000", "1"), ("second", "1800000000", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": epoch}
        command = [sys.executable, "-c", "from cli import app; app()", "release", *RELEASE_ARGS]
        command += ["--out", str(base / name)]
        # Files, not pipes: a process never waits for its output to be read while the other runs.
        with (base / f"{name}.log").open("w", encoding="utf-8") as log:
            runs.append((subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=log, stderr=log), log.name))
    for process, log_name in runs:
        process.wait()
        assert process.returncode == 0, Path(log_name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test run's one Virtuoso (``tests/virtuoso.py``), shared by every xdist worker, holding the
    sample study, the ontology and every vocabulary as ``icgp publish`` sends them; yields its base URL.

    Hold ``virtuoso.reading`` while reading its union default graph, ``virtuoso.writing`` while changing
    its graphs (and put them back before letting go)."""
    with shared_virtuoso(run_folder(tmp_path_factory), _publish_sample) as base:
        yield base


def _publish_sample(base: str) -> None:
    """``icgp publish data/`` to Virtuoso's authenticated Graph Store endpoint, at the fixed build time."""
    with fixed_build_time(), pytest.MonkeyPatch.context() as patch:
        patch.setenv("ICGP_ENDPOINT_USER", USER)
        patch.setenv("ICGP_ENDPOINT_PASSWORD", PASSWORD)
        endpoint = f"{base}/sparql-graph-crud-auth"
        result = CliRunner().invoke(app, ["publish", str(sample_study_dir()), "--endpoint", endpoint])
    assert result.exit_code == 0, result.output
