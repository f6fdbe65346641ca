"""Writing an on-disk store by building a fresh copy beside it and swapping the two folders.

Replacing a large graph inside an Oxigraph store takes one transaction that holds the whole graph in
memory (about 5 GB and minutes for a million triples). Instead, a rebuild opens a new store in a hidden
folder next to the old one, bulk-loads into it (Oxigraph's bulk loader writes its files directly, with
bounded memory) the bundled ontology and vocabularies, every graph of the old store that is kept, and
the new graphs, writes it out, and then exchanges the two folders in one atomic ``renameat2`` call. A
kill or a write error before the exchange leaves the old store exactly as it was; the next rebuild
removes the folder such a run left behind.

Where the exchange cannot be made (the store folder is a mount point, its parent folder cannot be
written, or the system has no ``renameat2``), :func:`can_swap` says so and the caller writes in place.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import gc
import os
import shutil
from collections.abc import Callable, Collection
from itertools import chain
from pathlib import Path
from typing import TypeVar

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Store

from kg.build import store as store_module
from kg.errors import InputError

T = TypeVar("T")

_MARK = ".icgp-rebuild-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _rebuild_folder(path: Path, pid: int) -> Path:
    return path.parent / f".{path.name}{_MARK}{pid}"


@functools.cache
def _exchange() -> Callable[[bytes, bytes], int] | None:
    """libc's ``renameat2`` with RENAME_EXCHANGE, or None where the system has none."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return None

    def exchange(a: bytes, b: bytes) -> int:
        return int(function(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE))

    return exchange


def can_swap(path: Path) -> bool:
    """True when a store at ``path`` can be rebuilt beside itself and swapped in atomically."""
    path = path.resolve()
    if path.exists() and (not path.is_dir() or os.path.ismount(path)):
        return False
    return _exchange() is not None and os.access(path.parent, os.W_OK | os.X_OK)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers(path: Path) -> None:
    """Remove the folders that killed rebuilds of ``path`` left behind (their process is gone)."""
    for folder in path.parent.glob(f".{path.name}{_MARK}*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def rebuild_store(path: Path, replaced: Collection[NamedNode], fill: Callable[[Store], T]) -> T:
    """Rewrite the store at ``path`` (made if missing) with ``replaced`` graphs emptied and then filled by
    ``fill``, the bundled ontology and vocabularies installed, and every other graph kept; return what
    ``fill`` returned. Either the whole new store is in place afterwards or the old one is untouched.

    Raises ``InputError`` when the store cannot be opened or written; call only where :func:`can_swap`."""
    path = path.resolve()
    exchange = _exchange()
    if exchange is None:
        raise InputError(f"cannot rebuild the store at {path}: this system has no atomic folder exchange")
    existed = path.exists()
    old = store_module.open_store(path) if existed else None  # holds the store's lock until the swap
    _remove_leftovers(path)
    fresh = _rebuild_folder(path, os.getpid())
    shutil.rmtree(fresh, ignore_errors=True)
    ontology = store_module.ontology_quads()
    dropped = set(replaced) | {q.graph_name for q in ontology if isinstance(q.graph_name, NamedNode)}
    new = None
    try:
        new = store_module.open_store(fresh)
        new.bulk_extend(ontology)
        if old is not None:
            _copy_kept(old, new, dropped)
        result = fill(new)
        # Written out and compacted here, before the swap, so that the first read is as fast as any.
        new.flush()
        new.optimize()
    except BaseException as exc:
        # The traceback keeps this frame alive: drop both stores so that their locks go now.
        new = old = None
        gc.collect()
        shutil.rmtree(fresh, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InputError(
                f"the store could not be written ({exc}); its graphs are as they were before. "
                f"Free disk space or check the folders {path.parent} and {path}, then build again"
            ) from exc
        raise
    # Both stores must be closed before their folders change names: Oxigraph has no close(), so drop
    # the last references and let the collector release the files and the lock.
    del new, old
    gc.collect()
    try:
        if existed:
            if exchange(bytes(fresh), bytes(path)) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code))
            shutil.rmtree(fresh, ignore_errors=True)  # now the old store
        else:
            fresh.rename(path)
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        hint = "the folder is busy" if exc.errno == errno.EBUSY else str(exc)
        raise InputError(
            f"the new store was built but could not take the place of {path} ({hint}); the store is as it "
            "was. Check the folder and its parent, then build again"
        ) from exc
    return result


def _copy_kept(old: Store, new: Store, dropped: Collection[NamedNode]) -> None:
    """Bulk-copy every quad of ``old`` outside ``dropped`` graphs and staging graphs into ``new``."""
    prefix = store_module.STAGING_PREFIX
    kept: list[NamedNode | BlankNode | DefaultGraph] = [DefaultGraph()]
    kept += [
        g
        for g in old.named_graphs()
        if not isinstance(g, NamedNode) or (g not in dropped and not g.value.startswith(prefix))
    ]
    # Read graph by graph: the dropped ones (the ontology and vocabularies, some 25,000 quads, in every
    # store) are never read. One bulk load still, so that a rebuild makes the same writes as before.
    new.bulk_extend(chain.from_iterable(old.quads_for_pattern(None, None, None, g) for g in kept))
