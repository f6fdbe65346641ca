"""Files as every stage meets them: output written whole or not at all, and the stamp that tells whether
an input file changed."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from kg.errors import InputError

FileStamp = tuple[str, int, int]
"""A file's path, modification time (ns) and size: within one process, what tells whether it changed."""


def file_stamp(path: Path) -> FileStamp:
    """The stamp of ``path`` (OSError if it cannot be read): the cache key for what is read from it."""
    info = path.stat()
    return (str(path), info.st_mtime_ns, info.st_size)


def _umask() -> int:
    # os.umask can only be read by setting it; put it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_failure(path: Path, exc: OSError) -> str:
    """One line on why ``path`` could not be written, with what to do about it (full disk, read-only...)."""
    hints = {
        errno.ENOSPC: "the disk is full; free some space or write elsewhere",
        errno.EDQUOT: "the disk quota is used up; free some space or write elsewhere",
        errno.EROFS: "the file system is read-only; choose a folder you can write to",
        errno.EACCES: "permission denied; choose a folder you can write to",
        errno.EPERM: "permission denied; choose a folder you can write to",
        errno.EISDIR: "it is a folder; give a file name inside it",
    }
    reason = hints.get(exc.errno or 0, f"{exc.strerror or exc}; choose a folder you can write to")
    return f"cannot write {path}: {reason} (nothing was written)"


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it, then a rename.

    A failure never leaves half a file. The file gets the mode an ordinary ``open`` would give it
    (0666 less the umask), not the private 0600 of a temporary file. The folder must exist: a mistyped
    path is refused with :class:`~kg.errors.InputError` rather than silently created, and so is a folder
    that cannot be written to (a full disk, a read-only file system, no permission) and a path that
    is a folder, each in one line that says why.
    """
    folder = path.parent
    if path.is_dir():
        raise InputError(write_failure(path, IsADirectoryError(errno.EISDIR, "Is a directory")))
    if not folder.is_dir():
        raise InputError(
            f"cannot write {path}: the folder {folder} does not exist; create it first or choose another path"
        )
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise InputError(write_failure(path, exc)) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(write_failure(path, exc)) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
