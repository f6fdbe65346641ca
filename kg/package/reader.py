"""Open a study package (a folder or a .zip of one): read its descriptor, tables and imported RDF.

Opening reads the descriptor and every table into memory, decodes them as UTF-8 (a byte-order mark is
tolerated) and records each file's SHA-256. Input that cannot be read at all raises
:class:`kg.errors.InputError`; everything else about the descriptor and the files is reported as
:class:`kg.problems.Problem` records so that a contributor sees every problem in one run.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

import yaml

from kg.errors import InputError
from kg.package.descriptor import DESCRIPTOR, Contributor, Descriptor, License, slugify
from kg.package.descriptor_checks import check_descriptor, check_region
from kg.package.safe_input import inside_folder, read_zip
from kg.problems import Problem, Severity

# A package is read into memory and every cell checked, so what one package may expand to is bounded.
MAX_PACKAGE_BYTES = 256 * 1024 * 1024
"""Most bytes a package may hold (256 MiB): a zip's members unpacked, or a folder's files that are read.

Checked before reading (a zip's declared sizes, a folder file's size) and again while reading, since a
zip may declare less than it inflates to. A real study package holds a few MiB of tables."""
MAX_DESCRIPTOR_BYTES = 1024 * 1024
"""Most bytes ``datapackage.yaml`` may have (1 MiB): a hand-written descriptor has a few KiB."""
MAX_DESCRIPTOR_DEPTH = 64
"""Deepest nesting of mappings and lists in ``datapackage.yaml``; a descriptor needs four levels."""

# Files that archiving tools add and that are never part of a package.
_IGNORED_PARTS = ("__MACOSX", ".DS_Store")


@dataclass(frozen=True)
class StudyPackage:
    """A study package read into memory.

    ``texts`` maps each table to its decoded CSV text, ``table_files`` each table to its path inside the
    package, ``checksums`` every file read (descriptor and tables) to its SHA-256 in hex, and ``files``
    lists every file the package contains. ``problems`` are the package-level problems found so far.
    """

    location: Path
    is_zip: bool
    descriptor: Descriptor
    texts: dict[str, str]
    table_files: dict[str, str]
    checksums: dict[str, str]
    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    imports: dict[str, bytes] = field(default_factory=dict)
    """RDF files under ``imports/`` (written by the importers), by path inside the package."""


class PackageEncodingError(InputError):
    """Files of the package are not UTF-8 text; ``problems`` holds one ``table.encoding`` problem each."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


# --- reading ---------------------------------------------------------------------------------------


class _Source:
    """Read access to the files of a package, whatever its container."""

    def __init__(self, files: dict[str, Any], reader: Any) -> None:
        self.files = files
        self._reader = reader

    def read(self, name: str) -> bytes:
        data: bytes = self._reader(name)
        return data


def _folder_source(folder: Path) -> _Source:
    names: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part in _IGNORED_PARTS for part in relative.parts):
            names[relative.as_posix()] = path
    used = [0]

    def read(name: str) -> bytes:
        # Every member read (descriptor, tables, imports/) must really lie inside the package folder.
        real = inside_folder(folder, name, "package folder")
        left = MAX_PACKAGE_BYTES - used[0]
        try:
            if real.stat().st_size > left:
                _too_big(folder)
            with real.open("rb") as stream:
                # One byte more than the budget: a file that grew since its size was read is caught too.
                data = stream.read(left + 1)
        except OSError as exc:
            raise InputError(f"{folder / name} could not be read: {exc.strerror or exc}") from exc
        if len(data) > left:
            _too_big(folder)
        used[0] += len(data)
        return data

    return _Source(names, read)


def _zip_source(archive: Path) -> _Source:
    fix = "re-create the .zip from the package folder"
    files = read_zip(archive, "study package", fix=fix, max_bytes=MAX_PACKAGE_BYTES)
    members = {
        name: data
        for name, data in files.items()
        if not any(part in _IGNORED_PARTS for part in PurePosixPath(name).parts)
    }
    _one_descriptor(archive)
    prefix = ""
    if DESCRIPTOR not in members:
        tops = {PurePosixPath(name).parts[0] for name in members}
        if len(tops) == 1 and f"{next(iter(tops))}/{DESCRIPTOR}" in members:
            prefix = next(iter(tops)) + "/"
        else:
            raise InputError(
                f"{archive}: no {DESCRIPTOR} at the top of the archive or inside its single top folder; "
                f"zip the package folder that holds {DESCRIPTOR}"
            )
    contents = {name[len(prefix) :]: data for name, data in members.items() if name.startswith(prefix)}
    return _Source(dict.fromkeys(contents), contents.__getitem__)


def _too_big(folder: Path) -> NoReturn:
    raise InputError(
        f"{folder}: the files of the package add up to more than {MAX_PACKAGE_BYTES} bytes "
        f"({MAX_PACKAGE_BYTES // (1024 * 1024)} MiB), the most ICGP reads from one package; "
        "split the study into smaller packages"
    )


def _one_descriptor(archive: Path) -> None:
    """Refuse an archive with more than one descriptor, at the same path or at different depths.

    A zip may hold two members of the same name, of which reading keeps the last, and a descriptor in a
    subfolder would be a second package: either way which study is built would be a guess.
    """
    with zipfile.ZipFile(archive) as opened:
        names = [
            info.filename
            for info in opened.infolist()
            if PurePosixPath(info.filename).name == DESCRIPTOR
            and not any(part in _IGNORED_PARTS for part in PurePosixPath(info.filename).parts)
        ]
    if len(names) > 1:
        shown = " and ".join(f"'{name}'" for name in names[:2])
        same = " (the same path twice)" if names[0] == names[1] else ""
        raise InputError(
            f"{archive} holds more than one {DESCRIPTOR}: {shown}{same}; a package has exactly one, "
            "so zip the one package folder again"
        )


def _open_source(path: Path) -> tuple[Path, bool, _Source]:
    if not path.exists():
        raise InputError(f"{path} does not exist; give the folder (or .zip) of a study package")
    if path.is_file() and path.name == DESCRIPTOR:
        path = path.parent
    if path.is_dir():
        source = _folder_source(path)
        if DESCRIPTOR not in source.files:
            raise InputError(
                f"{path} has no {DESCRIPTOR}; every study package needs one "
                "('icgp init DIR' writes a template)"
            )
        return path, False, source
    if path.is_file() and zipfile.is_zipfile(path):
        return path, True, _zip_source(path)
    raise InputError(
        f"{path} is neither a folder nor a .zip archive; give the folder (or .zip) of a study package"
    )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(name: str, data: bytes) -> tuple[str | None, Problem | None]:
    """Decode UTF-8 (BOM tolerated); on failure a ``table.encoding`` problem that points at the line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(
            Severity.VIOLATION,
            "table.encoding",
            f"{name} is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8')",
            name,
            row=1,
            value="UTF-16",
            expected="UTF-8",
            suggestion="save the file as UTF-8",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = _line_of(data, nul)
        return None, Problem(
            Severity.VIOLATION,
            "table.encoding",
            f"{name} contains NUL bytes (first on line {line}), so it is not plain UTF-8 text; it may be "
            "UTF-16 without a byte-order mark: save it as UTF-8 (in Excel: 'CSV UTF-8')",
            name,
            row=line,
            value="0x00",
            expected="UTF-8",
            suggestion="save the file as UTF-8",
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1]
        line = _line_of(data, exc.start)
        return None, Problem(
            Severity.VIOLATION,
            "table.encoding",
            f"{name} is not UTF-8 text: line {line} has the byte 0x{bad.hex()}, which UTF-8 does not allow "
            "there; save the file as UTF-8 (in Excel: 'CSV UTF-8')",
            name,
            row=line,
            value=f"0x{bad.hex()}",
            expected="UTF-8",
            suggestion="save the file as UTF-8",
        )


def sha256(data: bytes) -> str:
    """The SHA-256 of some bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def _yaml_lines(node: yaml.Node | None) -> dict[str, int]:
    """Line numbers (1-based) of the descriptor's top-level keys, and of ``key.sub`` for nested keys."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines[key.value] = key.start_mark.line + 1
                if isinstance(value, yaml.MappingNode):
                    for sub_key, _ in value.value:
                        if isinstance(sub_key, yaml.ScalarNode):
                            lines[f"{key.value}.{sub_key.value}"] = sub_key.start_mark.line + 1
                elif isinstance(value, yaml.SequenceNode):
                    for number, item in enumerate(value.value):
                        lines[f"{key.value}.{number}"] = item.start_mark.line + 1
    return lines


def _duplicate_key(node: yaml.Node | None, where: str) -> str | None:
    """Why a mapping that names a key twice is refused (PyYAML would silently keep the last value), or
    None when no mapping does."""
    # A stack, not recursion: the depth has no bound of its own here.
    stack: list[tuple[yaml.Node, str]] = [(node, "")] if node is not None else []
    # _check_shape refuses aliases already; should they ever be allowed, a node they share is visited once.
    visited: set[int] = set()
    while stack:
        current, path = stack.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend((item, f"{path}{number}.") for number, item in enumerate(current.value))
        elif isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else ""
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode) and name in seen:
                    return (
                        f"{where} has the key '{path}{name}' twice (lines {seen[name]} and {line}); "
                        "keep one of them (YAML would otherwise use only the last)"
                    )
                seen.setdefault(name, line)
                stack.append((value, f"{path}{name}."))
    return None


class _DescriptorLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a date or whole number it cannot construct stays text.

    PyYAML turns ``2020-02-30`` into a date and a 5,000-digit number into an int by calling Python,
    which raises ValueError; kept as text, the value reaches the descriptor checks, which report it at
    its key (``period.start``) instead of failing the whole file.
    """


def _lenient(construct: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def construct_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    return construct_or_text


_DescriptorLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _lenient(yaml.SafeLoader.construct_yaml_timestamp)
)
_DescriptorLoader.add_constructor("tag:yaml.org,2002:int", _lenient(yaml.SafeLoader.construct_yaml_int))


def _check_shape(text: str, where: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DESCRIPTOR_DEPTH` and YAML aliases, before composing.

    PyYAML composes and constructs nodes recursively, so a deeply nested file exhausts the Python stack;
    its event parser does not, so the depth is counted on the events. Aliases are refused because a few
    of them, each repeating the one before, expand to billions of values for any code that walks them.
    """
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DESCRIPTOR_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark is not None else "?"
                raise InputError(
                    f"{where} nests lists and mappings more than {MAX_DESCRIPTOR_DEPTH} levels deep "
                    f"(at line {line}), the most ICGP reads; a descriptor needs only a few levels"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark is not None else "?"
            raise InputError(
                f"{where} uses the YAML alias '*{event.anchor}' at line {line}; ICGP does not read "
                "aliases in a descriptor: write the value out in full"
            )


def _parse_yaml(text: str, where: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The descriptor's fields and the lines of its keys (see :func:`_yaml_lines`)."""
    try:
        _check_shape(text, where)
        loader = _DescriptorLoader(text)  # a SafeLoader subclass: no arbitrary objects
        try:
            # One composition serves the values, the duplicate-key check and the key lines. The two
            # read the node before constructing, which rewrites the mappings that use merge keys (<<).
            node = loader.get_single_node()
            duplicate = _duplicate_key(node, where)
            lines = _yaml_lines(node)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
        if duplicate is not None:
            raise InputError(duplicate)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise InputError(
            f"{where} is not valid YAML{place}: {exc.problem}; check the indentation and quoting there"
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{where} is not valid YAML: {exc}") from exc
    if data is None:
        raise InputError(f"{where} is empty; it needs at least name, title and licenses")
    if not isinstance(data, dict):
        raise InputError(
            f"{where} must be a mapping of fields (name: ..., title: ...), not a {type(data).__name__}"
        )
    return {str(key): value for key, value in data.items()}, lines


def open_package(path: Path) -> StudyPackage:
    """Read a study package from a folder, a .zip of one, or the path of its ``datapackage.yaml``.

    Raises InputError if the path is missing, is neither a folder nor a .zip, has no descriptor, if the
    descriptor is not YAML, or if a file is not UTF-8 (then a :class:`PackageEncodingError` listing
    every such file).
    """
    location, is_zip, source = _open_source(path)
    descriptor_bytes = source.read(DESCRIPTOR)
    if len(descriptor_bytes) > MAX_DESCRIPTOR_BYTES:
        raise InputError(
            f"{location}: {DESCRIPTOR} has {len(descriptor_bytes)} bytes, more than the "
            f"{MAX_DESCRIPTOR_BYTES} bytes (1 MiB) ICGP reads; a descriptor describes the study in a few "
            "lines, the data belong in the tables"
        )
    checksums = {DESCRIPTOR: sha256(descriptor_bytes)}
    descriptor_text, problem = _decode(DESCRIPTOR, descriptor_bytes)
    if descriptor_text is None:
        assert problem is not None
        raise PackageEncodingError(problem.message, [problem])
    raw, lines = _parse_yaml(descriptor_text, DESCRIPTOR)
    descriptor, table_files, descriptor_problems = check_descriptor(raw, lines, tuple(source.files))

    texts: dict[str, str] = {}
    encoding_problems: list[Problem] = []
    for table, name in table_files.items():
        data = source.read(name)
        checksums[name] = sha256(data)
        text, problem = _decode(name, data)
        if text is None:
            assert problem is not None
            encoding_problems.append(problem)
        else:
            texts[table] = text
    if encoding_problems:
        first = encoding_problems[0].message
        more = len(encoding_problems) - 1
        message = first if more == 0 else f"{first} (and {more} more file{'s' if more > 1 else ''} not UTF-8)"
        raise PackageEncodingError(message, encoding_problems)
    return StudyPackage(
        location=location,
        is_zip=is_zip,
        descriptor=descriptor,
        texts=texts,
        table_files=table_files,
        checksums=checksums,
        files=tuple(sorted(source.files)),
        problems=tuple(descriptor_problems),
        imports=_read_imports(source, checksums),
    )


IMPORTS_FOLDER = "imports/"
IMPORT_SUFFIXES = (".ttl", ".nt")


def _read_imports(source: _Source, checksums: dict[str, str]) -> dict[str, bytes]:
    """The RDF files that importers wrote into the package's ``imports/`` folder, with checksums."""
    imports: dict[str, bytes] = {}
    for name in sorted(source.files):
        if name.startswith(IMPORTS_FOLDER) and name.lower().endswith(IMPORT_SUFFIXES):
            imports[name] = data = source.read(name)
            checksums[name] = sha256(data)
    return imports


__all__ = [
    "DESCRIPTOR",
    "IMPORTS_FOLDER",
    "Contributor",
    "Descriptor",
    "License",
    "PackageEncodingError",
    "StudyPackage",
    "check_region",
    "open_package",
    "sha256",
    "slugify",
]
