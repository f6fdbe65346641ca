"""Writing output files whole or not at all, shared by every stage that writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kg.errors import InputError


def _umask() -> int:
    # os.umask can only be read by setting it; put it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it, then a rename.

    A failure never leaves half a file. The file gets the mode an ordinary ``open`` would give it
    (0666 less the umask), not the private 0600 of a temporary file. The folder must exist: a mistyped
    path is refused with :class:`~kg.errors.InputError` rather than silently created, and so is a folder
    that cannot be written to (a full disk, no permission).
    """
    folder = path.parent
    if not folder.is_dir():
        raise InputError(
            f"cannot write {path}: the folder {folder} does not exist; create it first or choose another path"
        )
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}; choose a folder you can write to"
        ) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
