"""What ``icgp export|serve|diff|release`` read: a study package (built in memory) or an on-disk store.

A package is checked and built with the ontology into an in-memory Oxigraph store; a folder made by
``icgp build --store`` is opened read-only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad, Store

from kg.build.store import STAGING_PREFIX
from kg.build.study import BuiltStudy, build_package, store_study
from kg.errors import InputError
from kg.ontology import resources

_STORE_MARKERS = ("CURRENT", "IDENTITY")  # files RocksDB (under pyoxigraph) writes into every store folder


@dataclass
class Source:
    """An opened input: a store (in memory for a package) and, for a package, what its build produced."""

    path: Path
    kind: str  # "package" or "store"
    store: Store
    built: BuiltStudy | None = None

    def graphs(self) -> list[str]:
        """IRIs of the named graphs in the store, sorted; graphs an interrupted build staged are left out."""
        return sorted(
            g.value
            for g in self.store.named_graphs()
            if isinstance(g, NamedNode) and not g.value.startswith(STAGING_PREFIX)
        )


def is_store_folder(path: Path) -> bool:
    """True for a folder that holds an on-disk Oxigraph store (the files RocksDB writes)."""
    return (
        path.is_dir()
        and all((path / name).is_file() for name in _STORE_MARKERS)
        and any(child.name.startswith("MANIFEST-") for child in path.iterdir())
    )


def is_package(path: Path) -> bool:
    """True for a study package: a folder with ``datapackage.yaml`` or a ``.zip`` file."""
    if path.is_dir():
        return (path / "datapackage.yaml").is_file()
    return path.is_file() and path.suffix.lower() == ".zip"


def open_source(path: Path | None) -> Source:
    """Open a study package (checked and built into an in-memory store with the ontology) or a store folder.

    ``None`` means the bundled sample study. A store folder is opened read-only, so nothing can change
    it. Anything else raises ``InputError`` saying what was expected."""
    location = path if path is not None else resources.sample_study_dir()
    if not location.exists():
        raise InputError(
            f"{location} does not exist; give a study package (folder or .zip) or a store folder"
        )
    if is_store_folder(location):
        try:
            store = Store.read_only(str(location))
        except OSError as exc:
            raise InputError(f"cannot open the store at {location}: {exc}") from exc
        return Source(location, "store", store)
    if is_package(location):
        if location.resolve() == resources.sample_study_dir().resolve():
            built, quads = _bundled_sample()
            store = Store()
            store.bulk_extend(quads)
            return Source(location, "package", store, built)
        built = build_package(location)
        store = Store()
        store_study(store, built)
        return Source(location, "package", store, built)
    raise InputError(
        f"{location} is neither a study package (a folder with datapackage.yaml, or a .zip) nor an "
        "Oxigraph store folder (made by 'icgp build --store DIR')"
    )


# The bundled sample ships read-only with ICGP, so one process builds it once per build time (which
# SOURCE_DATE_EPOCH may fix) and fills each caller's fresh store from the quads: a process that runs
# many commands or queries on it (a test run, a notebook) no longer pays the build every time.
_SAMPLES: dict[str | None, tuple[BuiltStudy, list[Quad]]] = {}


def _bundled_sample() -> tuple[BuiltStudy, list[Quad]]:
    key = os.environ.get("SOURCE_DATE_EPOCH")
    if key not in _SAMPLES:
        built = build_package(resources.sample_study_dir())
        store = Store()
        store_study(store, built)
        _SAMPLES[key] = (built, list(store))
    return _SAMPLES[key]


def select_quads(store: Store, graphs: Sequence[str] | None = None) -> list[Quad]:
    """Every quad of the store, or only those of the named ``graphs`` (each must exist)."""
    if not graphs:
        return list(store.quads_for_pattern(None, None, None, None))
    available = {g.value for g in store.named_graphs() if isinstance(g, NamedNode)}
    missing = [g for g in graphs if g not in available]
    if missing:
        raise InputError(
            f"no graph named {', '.join(f'<{g}>' for g in missing)} in the store; "
            f"it has: {', '.join(sorted(available)) or 'no named graphs'}"
        )
    quads: list[Quad] = []
    for graph in dict.fromkeys(graphs):
        quads.extend(store.quads_for_pattern(None, None, None, NamedNode(graph)))
    return quads
