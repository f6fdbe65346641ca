"""Read untrusted archives and XML without the classic traps.

XML is parsed with defusedxml: a document that declares an entity (the root of "billion laughs" entity
expansion and of external entities that read local files or URLs) is refused outright, and nothing is
ever fetched from the network. Zip archives are read into memory only after their directory has been
checked: the number of members and their total unpacked size are bounded, every member is read with a
running byte count (so a member cannot unpack to more than it declares), and no member name may point
outside the archive (absolute paths, ``..`` parts, drive letters). A package folder's member may be a
symbolic link only to a file inside the folder (:func:`inside_folder`).

Untrusted text on its way out is made harmless too: :func:`terminal_safe` shows control characters as
escapes so that a cell cannot drive the terminal, and :func:`spreadsheet_safe` keeps a CSV or TSV cell
from being read as a formula by a spreadsheet.
"""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from kg.errors import InputError

# Limits for archives read into memory (REFI-QDA projects). A real project holds a few hundred sources;
# the limits leave ample room while keeping a hostile archive from exhausting memory.
MAX_MEMBERS = 10_000
"""Most members (files and folders) an archive may list."""
MAX_TOTAL_BYTES = 200 * 1024 * 1024
"""Most bytes all members of an archive may unpack to together (200 MiB)."""

_CHUNK = 1 << 16


def is_safe_path(name: str) -> bool:
    """True if a relative path stays inside its folder or archive (no root, no ``..``, no drive letter)."""
    # Some zip tools write backslashes as separators; judge the name as a path either way.
    path = PurePosixPath(name.replace("\\", "/"))
    return not (path.is_absolute() or ".." in path.parts or (bool(path.parts) and ":" in path.parts[0]))


def inside_folder(folder: Path, name: str, what: str) -> Path:
    """The real path of the member ``name`` of ``folder``, refused if it resolves outside the folder.

    A symbolic link (of the member or of a folder on its way) may point within the package, but one
    that leads out of it would make ICGP read, build from and quote a file the package does not hold.
    Raises InputError naming the member and where it points; ``what`` names the folder in the message.
    """
    root = folder.resolve()
    member = folder / name
    try:
        real = member.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a dangling link or a link loop
        raise InputError(f"{member} could not be read: {exc}; fix or remove it") from exc
    if not real.is_relative_to(root):
        raise InputError(
            f"{folder}: the member '{name}' is a symbolic link to {real}, outside the {what}; refusing it "
            f"(copy the file into the {what} instead of linking to it)"
        )
    return real


def read_zip(
    path: Path,
    what: str = "archive",
    *,
    fix: str = "re-export it from the QDA software",
    max_bytes: int | None = None,
) -> dict[str, bytes]:
    """The files of a zip archive by member name, after the safety checks; folders are left out.

    Raises InputError (the CLI's exit 2) for an unreadable archive, too many members, members that
    unpack past ``max_bytes`` (default :data:`MAX_TOTAL_BYTES`), encrypted members, symbolic links, or
    a member name that leaves the archive. ``what`` names the archive and ``fix`` says how to make a
    good one, in the messages.
    """
    limit = MAX_TOTAL_BYTES if max_bytes is None else max_bytes
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path} could not be opened as a zip archive ({what}): {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(
                f"{path} lists {len(infos)} members, more than the {MAX_MEMBERS} ICGP reads from a {what}; "
                "refusing it (an archive this large is unlikely to be a real export)"
            )
        for info in infos:
            if not is_safe_path(info.filename):
                raise InputError(
                    f"{path}: the member '{info.filename}' points outside the archive; refusing the whole "
                    f"{what} ({fix})"
                )
            if stat.S_ISLNK(info.external_attr >> 16):
                raise InputError(
                    f"{path}: the member '{info.filename}' is a symbolic link; refusing the {what}"
                )
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            raise InputError(
                f"{path} unpacks to {declared} bytes, more than the limit of {limit} bytes; "
                f"refusing the {what} (it may be a zip bomb)"
            )
        files: dict[str, bytes] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise InputError(
                    f"{path}: the member '{info.filename}' is encrypted; {fix} without a password"
                )
            chunks: list[bytes] = []
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise InputError(
                                f"{path}: the members unpack to more than the limit of {limit} "
                                f"bytes; refusing the {what} (it may be a zip bomb)"
                            )
                        chunks.append(chunk)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError) as exc:
                raise InputError(f"{path}: the member '{info.filename}' could not be read: {exc}") from exc
            files[info.filename.replace("\\", "/")] = b"".join(chunks)
        return files


def parse_xml(data: bytes, where: str) -> Element:
    """Parse XML safely: entity declarations and external references are refused, never expanded."""
    try:
        root: Element = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        raise InputError(
            f"{where} declares the XML entity '{exc.name}'; ICGP refuses XML with entity declarations "
            "(they can expand without bound or read other files). Export the file again from the QDA software"
        ) from exc
    except ExternalReferenceForbidden as exc:
        raise InputError(
            f"{where} refers to the external resource '{exc.sysid}'; ICGP never loads external "
            "resources while reading XML. Export the file again from the QDA software"
        ) from exc
    except DTDForbidden as exc:  # not raised with forbid_dtd=False; kept for completeness
        raise InputError(f"{where} has a document type declaration, which ICGP refuses") from exc
    except DefusedXmlException as exc:
        raise InputError(f"{where} uses an XML feature ICGP refuses for safety: {exc}") from exc
    except ParseError as exc:
        line, column = exc.position
        raise InputError(f"{where} is not well-formed XML (line {line}, column {column + 1}): {exc}") from exc
    return root


# C0 and C1 control characters except tab and line feed: ESC (0x1b) starts terminal escape sequences, CSI
# (0x9b) does on some terminals, carriage return and backspace overwrite what was shown.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """The text with control characters (except tab and newline) shown as ``\\xNN`` escapes.

    Untrusted text (cells, file names, messages quoting them) passes through this before it reaches a
    terminal, so that it cannot move the cursor, recolour or retitle the window, or hide earlier output.
    """
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A text cell for CSV or TSV output, with a ``'`` in front if a spreadsheet would take it as a formula.

    Leading spaces are looked through as well, since some spreadsheets skip them before a formula. Only
    text cells go through this: a number such as ``-3.5`` is data and is written as it is.
    """
    if text.startswith(_FORMULA_STARTS) or text.lstrip(" \t\r\n").startswith(_FORMULA_STARTS):
        return "'" + text
    return text
