"""Open a study package (a folder or a .zip of one) and check its ``datapackage.yaml`` descriptor.

Opening reads the descriptor and every table into memory, decodes them as UTF-8 (a byte-order mark is
tolerated) and records each file's SHA-256. Input that cannot be read at all raises
:class:`kg.errors.InputError`; everything else about the descriptor and the files is reported as
:class:`kg.problems.Problem` records so that a contributor sees every problem in one run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from kg.concepts import ConceptIndex
from kg.errors import InputError
from kg.namespaces import DEFAULT_DATA_BASE
from kg.problems import Problem, Severity
from kg.tableschema import REQUIRED_TABLES, TABLES

DESCRIPTOR = "datapackage.yaml"

# Archives are read into memory; refuse ones that would not fit comfortably.
MAX_ARCHIVE_BYTES = 1 << 30

# Files that archiving tools add and that are never part of a package.
_IGNORED_PARTS = ("__MACOSX", ".DS_Store")

_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_NUTS = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]{0,3}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_HTTP_IRI = re.compile(r"^https?://[^\s/?#<>\"]+[^\s<>\"]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Descriptor fields ICGP reads, plus the Frictionless ones it tolerates without reading.
_KNOWN_FIELDS = (
    "name",
    "title",
    "description",
    "version",
    "licenses",
    "contributors",
    "period",
    "region",
    "methods",
    "language",
    "base",
    "public",
    "resources",
)
_TOLERATED_FIELDS = (
    "$schema",
    "profile",
    "id",
    "homepage",
    "keywords",
    "image",
    "created",
    "sources",
    "funding",
)


@dataclass(frozen=True)
class License:
    """A licence of the study data (Frictionless ``licenses`` entry)."""

    path: str
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Contributor:
    """A person or organisation credited for the study (Frictionless ``contributors`` entry)."""

    title: str
    role: str | None = None
    organization: str | None = None
    email: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Descriptor:
    """The study described by ``datapackage.yaml``, with defaults filled in.

    Fields that were missing or wrong hold a fallback (empty text, None); the descriptor problems say
    which. ``region`` is the NUTS code as written (upper-cased); ``raw`` is the parsed YAML mapping and
    ``lines`` the line of each top-level field (``key.sub`` for nested entries).
    """

    name: str
    title: str
    description: str | None = None
    version: str | None = None
    licenses: tuple[License, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    region: str | None = None
    methods: tuple[str, ...] = ()
    language: str | None = None
    base: str = DEFAULT_DATA_BASE
    public_quotes: bool = False
    public_responses: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)


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

    def read(name: str) -> bytes:
        try:
            return (folder / name).read_bytes()
        except OSError as exc:
            raise InputError(f"{folder / name} could not be read: {exc.strerror or exc}") from exc

    return _Source(names, read)


def _safe_member(name: str) -> bool:
    # Backslashes are path separators for some zip tools; treat them so before judging the path.
    path = PurePosixPath(name.replace("\\", "/"))
    return not (path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]))


def _zip_source(archive: Path) -> _Source:
    try:
        opened = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{archive} could not be opened as a .zip archive: {exc}") from exc
    with opened:
        infos = [info for info in opened.infolist() if not info.is_dir()]
        for info in infos:
            if not _safe_member(info.filename):
                raise InputError(
                    f"{archive}: the archive member '{info.filename}' points outside the archive; "
                    "refusing to read it (re-create the .zip from the package folder)"
                )
        members = {
            info.filename: info
            for info in infos
            if not any(part in _IGNORED_PARTS for part in PurePosixPath(info.filename).parts)
        }
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
        total = sum(info.file_size for info in members.values())
        if total > MAX_ARCHIVE_BYTES:
            raise InputError(
                f"{archive}: the archive unpacks to {total} bytes, more than the {MAX_ARCHIVE_BYTES} bytes "
                "ICGP reads into memory; unpack it and pass the folder instead"
            )
        files = {name[len(prefix) :]: info for name, info in members.items() if name.startswith(prefix)}
        contents: dict[str, bytes] = {}
        for name, info in files.items():
            if info.flag_bits & 0x1:
                raise InputError(
                    f"{archive}: the member '{info.filename}' is encrypted; zip it without a password"
                )
            try:
                contents[name] = opened.read(info)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                raise InputError(f"{archive}: the member '{info.filename}' could not be read: {exc}") from exc

    def read(name: str) -> bytes:
        return contents[name]

    return _Source(dict.fromkeys(files), read)


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


def _yaml_lines(text: str) -> dict[str, int]:
    """Line numbers (1-based) of the descriptor's top-level keys, and of ``key.sub`` for nested keys."""
    lines: dict[str, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
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


def _parse_yaml(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
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
    return {str(key): value for key, value in data.items()}


def open_package(path: Path) -> StudyPackage:
    """Read a study package from a folder, a .zip of one, or the path of its ``datapackage.yaml``.

    Raises InputError if the path is missing, is neither a folder nor a .zip, has no descriptor, if the
    descriptor is not YAML, or if a file is not UTF-8 (then a :class:`PackageEncodingError` listing
    every such file).
    """
    location, is_zip, source = _open_source(path)
    descriptor_bytes = source.read(DESCRIPTOR)
    checksums = {DESCRIPTOR: sha256(descriptor_bytes)}
    descriptor_text, problem = _decode(DESCRIPTOR, descriptor_bytes)
    if descriptor_text is None:
        assert problem is not None
        raise PackageEncodingError(problem.message, [problem])
    raw = _parse_yaml(descriptor_text, DESCRIPTOR)
    checker = _DescriptorChecker(raw, _yaml_lines(descriptor_text), tuple(source.files))
    descriptor = checker.check()
    table_files = checker.table_files

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
        problems=tuple(checker.problems),
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


# --- descriptor checks -----------------------------------------------------------------------------


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def slugify(text: str) -> str:
    """A lowercase slug of ASCII letters and digits joined by ``-`` (empty if nothing is left)."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    """A scalar as text (YAML reads ``version: 1.0`` as a number); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


class _DescriptorChecker:
    def __init__(self, raw: dict[str, Any], lines: dict[str, int], files: tuple[str, ...]) -> None:
        self.raw = raw
        self.lines = lines
        self.files = files
        self.problems: list[Problem] = []
        self.table_files: dict[str, str] = {}

    def problem(
        self,
        rule: str,
        column: str,
        message: str,
        *,
        line_key: str | None = None,
        value: Any = None,
        expected: str | None = None,
        suggestion: str | None = None,
        severity: Severity = Severity.VIOLATION,
        file: str = DESCRIPTOR,
    ) -> None:
        row = self.lines.get(line_key or column) if file == DESCRIPTOR else None
        self.problems.append(
            Problem(
                severity,
                rule,
                message,
                file,
                row=row,
                column=column if file == DESCRIPTOR else None,
                value=None if value is None else str(value),
                expected=expected,
                suggestion=suggestion,
            )
        )

    def check(self) -> Descriptor:
        raw = self.raw
        for key in raw:
            if key in _KNOWN_FIELDS or key in _TOLERATED_FIELDS:
                continue
            close = _closest(key, _KNOWN_FIELDS)
            if close is not None and close not in raw:
                self.problem(
                    "package.descriptor",
                    key,
                    f"'{key}' is not a descriptor field ICGP reads; did you mean '{close}'?",
                    value=key,
                    expected="a descriptor field",
                    suggestion=close,
                    severity=Severity.WARNING,
                )
        name = self._name()
        title = self._required_text("title", "the study's title")
        description = self._optional_text("description")
        version = self._optional_text("version")
        licenses = self._licenses()
        contributors = self._contributors()
        start, end = self._period()
        region = self._region()
        methods = self._methods()
        language = self._language()
        base = self._base()
        quotes, responses = self._public()
        self._resources()
        return Descriptor(
            name=name,
            title=title,
            description=description,
            version=version,
            licenses=licenses,
            contributors=contributors,
            period_start=start,
            period_end=end,
            region=region,
            methods=methods,
            language=language,
            base=base,
            public_quotes=quotes,
            public_responses=responses,
            raw=raw,
            lines=self.lines,
        )

    def _name(self) -> str:
        value = self.raw.get("name")
        if value is None or value == "":
            self.problem(
                "package.descriptor",
                "name",
                "the descriptor has no name; add 'name:' with the study id, a lowercase slug such as "
                "rhine-neckar-i40 (it is used in IRIs)",
                expected="a lowercase slug",
            )
            return ""
        text = _text(value) or ""
        if not _NAME.match(text):
            fixed = slugify(text)
            self.problem(
                "package.descriptor",
                "name",
                f"name '{value}' is not a lowercase slug; use lowercase letters and digits joined by "
                "'-', '_' or '.'" + (f", e.g. '{fixed}'" if fixed else ""),
                value=value,
                expected="a lowercase slug",
                suggestion=fixed or None,
            )
        return text

    def _required_text(self, key: str, what: str) -> str:
        value = self.raw.get(key)
        text = _text(value)
        if value is None or text is None or not text.strip():
            self.problem(
                "package.descriptor",
                key,
                f"the descriptor has no {key}; add '{key}:' with {what}",
                value=None if value is None else value,
                expected="text",
            )
            return ""
        return text.strip()

    def _optional_text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        text = _text(value)
        if text is None:
            self.problem(
                "package.descriptor",
                key,
                f"{key} must be text, not a {type(value).__name__}",
                value=value,
                expected="text",
            )
        return text

    def _licenses(self) -> tuple[License, ...]:
        value = self.raw.get("licenses")
        if not value:
            self.problem(
                "package.licence",
                "licenses",
                "the descriptor states no licence; add 'licenses:' with at least one entry that has a "
                "path, e.g. {name: CC-BY-4.0, path: https://creativecommons.org/licenses/by/4.0/}",
                expected="a list of licences",
            )
            return ()
        if not isinstance(value, list):
            self.problem(
                "package.licence",
                "licenses",
                "licenses must be a list of entries such as "
                "{name: CC-BY-4.0, path: https://creativecommons.org/licenses/by/4.0/}",
                expected="a list of licences",
            )
            return ()
        licenses = []
        for number, entry in enumerate(value, start=1):
            key = f"licenses.{number - 1}"
            if not isinstance(entry, dict):
                self.problem(
                    "package.licence",
                    "licenses",
                    f"licence {number} must be a mapping with name, path and title",
                    line_key=key,
                    value=entry,
                    expected="a mapping with a path IRI",
                )
                continue
            path = _text(entry.get("path"))
            if path is None or not _HTTP_IRI.match(path):
                self.problem(
                    "package.licence",
                    "licenses",
                    f"licence {number} needs a path with the licence's IRI, e.g. "
                    "https://creativecommons.org/licenses/by/4.0/",
                    line_key=key,
                    value=entry.get("path"),
                    expected="an http(s) IRI",
                )
                continue
            licenses.append(
                License(path=path, name=_text(entry.get("name")), title=_text(entry.get("title")))
            )
        return tuple(licenses)

    def _contributors(self) -> tuple[Contributor, ...]:
        value = self.raw.get("contributors")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(
                "package.descriptor",
                "contributors",
                "contributors must be a list of entries such as {title: Jane Doe, role: author}",
                value=value,
                expected="a list of contributors",
            )
            return ()
        found = []
        for number, entry in enumerate(value, start=1):
            title = _text(entry.get("title")) if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not title:
                self.problem(
                    "package.descriptor",
                    "contributors",
                    f"contributor {number} needs a title (the person's or organisation's name)",
                    line_key=f"contributors.{number - 1}",
                    value=entry if not isinstance(entry, dict) else None,
                    expected="a mapping with a title",
                )
                continue
            found.append(
                Contributor(
                    title=title,
                    role=_text(entry.get("role")),
                    organization=_text(entry.get("organization")),
                    email=_text(entry.get("email")),
                    path=_text(entry.get("path")),
                )
            )
        return tuple(found)

    def _period(self) -> tuple[dt.date | None, dt.date | None]:
        value = self.raw.get("period")
        if value is None:
            return None, None
        if not isinstance(value, dict):
            self.problem(
                "package.descriptor",
                "period",
                "period must be a mapping {start: YYYY-MM-DD, end: YYYY-MM-DD}",
                value=value,
                expected="{start: date, end: date}",
            )
            return None, None
        dates: dict[str, dt.date | None] = {}
        for part in ("start", "end"):
            raw = value.get(part)
            dates[part] = None if raw is None else _as_date(raw)
            if raw is not None and dates[part] is None:
                self.problem(
                    "package.descriptor",
                    "period",
                    f"period {part} '{raw}' is not a date as YYYY-MM-DD",
                    line_key=f"period.{part}",
                    value=raw,
                    expected="a date as YYYY-MM-DD",
                )
        start, end = dates["start"], dates["end"]
        if start is not None and end is not None and end < start:
            self.problem(
                "package.descriptor",
                "period",
                f"period end {end.isoformat()} is before its start {start.isoformat()}",
                line_key="period.end",
                value=end.isoformat(),
                expected=f"a date on or after {start.isoformat()}",
            )
        return start, end

    def _region(self) -> str | None:
        value = self.raw.get("region")
        if value is None:
            return None
        text = _text(value)
        if text is None or not _NUTS.match(text.strip()):
            self.problem(
                "package.descriptor",
                "region",
                f"region '{value}' is not a NUTS code; give the NUTS 2024 code of the study region, "
                "e.g. DE12",
                value=value,
                expected="a NUTS 2024 code",
            )
            return None
        return text.strip().upper()

    def _methods(self) -> tuple[str, ...]:
        value = self.raw.get("methods")
        if value is None:
            return ()
        items = value if isinstance(value, list) else None
        texts = [_text(item) for item in items] if items is not None else []
        if items is None or any(not text for text in texts):
            self.problem(
                "package.descriptor",
                "methods",
                "methods must be a list of words, e.g. [focus-group, interview, survey]",
                value=value,
                expected="a list of methods",
            )
            return ()
        return tuple(text for text in texts if text)

    def _language(self) -> str | None:
        value = self.raw.get("language")
        if value is None:
            return None
        text = _text(value)
        if text is None or not _LANGUAGE.match(text):
            self.problem(
                "package.descriptor",
                "language",
                f"language '{value}' is not a BCP 47 language tag such as en or de-AT",
                value=value,
                expected="a BCP 47 language tag",
            )
            return None
        return text

    def _base(self) -> str:
        value = self.raw.get("base")
        if value is None:
            return DEFAULT_DATA_BASE
        text = _text(value)
        if text is None or not _HTTP_IRI.match(text) or not text.endswith(("/", "#")):
            self.problem(
                "package.descriptor",
                "base",
                f"base '{value}' must be an http(s) IRI ending in '/' or '#', e.g. {DEFAULT_DATA_BASE}",
                value=value,
                expected="an http(s) IRI ending in '/' or '#'",
            )
            return DEFAULT_DATA_BASE
        return text

    def _public(self) -> tuple[bool, bool]:
        value = self.raw.get("public")
        if value is None:
            return False, False
        if not isinstance(value, dict):
            self.problem(
                "package.descriptor",
                "public",
                "public must be a mapping {quotes: true|false, responses: true|false}",
                value=value,
                expected="{quotes: boolean, responses: boolean}",
            )
            return False, False
        flags = []
        for part in ("quotes", "responses"):
            flag = value.get(part, False)
            if not isinstance(flag, bool):
                self.problem(
                    "package.descriptor",
                    "public",
                    f"public {part} must be true or false, not '{flag}'",
                    line_key=f"public.{part}",
                    value=flag,
                    expected="true or false",
                )
                flag = False
            flags.append(flag)
        for key in value:
            if key not in ("quotes", "responses"):
                self.problem(
                    "package.descriptor",
                    "public",
                    f"public has an unknown entry '{key}'; only quotes and responses are read",
                    line_key=f"public.{key}",
                    value=key,
                    expected="quotes or responses",
                    severity=Severity.WARNING,
                )
        return flags[0], flags[1]

    def _resources(self) -> None:
        value = self.raw.get("resources")
        declared: dict[str, str] = {}
        if value is not None and not isinstance(value, list):
            self.problem(
                "package.resource",
                "resources",
                "resources must be a list of entries such as {name: organisations, path: organisations.csv}",
                value=value,
                expected="a list of resources",
            )
        for number, entry in enumerate(value if isinstance(value, list) else [], start=1):
            key = f"resources.{number - 1}"
            name = _text(entry.get("name")) if isinstance(entry, dict) else None
            path = _text(entry.get("path")) if isinstance(entry, dict) else None
            if name is None or path is None:
                self.problem(
                    "package.resource",
                    "resources",
                    f"resource {number} needs a name (the table) and a path (its file), "
                    "e.g. {name: organisations, path: organisations.csv}",
                    line_key=key,
                    expected="a mapping with name and path",
                )
                continue
            if name not in TABLES:
                close = _closest(name, TABLES)
                self.problem(
                    "package.resource",
                    "resources",
                    f"resource {number} names the table '{name}', which study packages do not have"
                    + (f"; did you mean '{close}'?" if close else f"; the tables are {', '.join(TABLES)}"),
                    line_key=key,
                    value=name,
                    expected="a study-package table",
                    suggestion=close,
                )
                continue
            if name in declared:
                self.problem(
                    "package.resource",
                    "resources",
                    f"the table '{name}' is listed twice in resources; keep one entry",
                    line_key=key,
                    value=name,
                    expected="each table once",
                )
                continue
            if not _safe_member(path) or not path.lower().endswith(".csv"):
                self.problem(
                    "package.resource",
                    "resources",
                    f"resource '{name}' has the path '{path}'; give a .csv file inside the package, "
                    "relative to datapackage.yaml",
                    line_key=key,
                    value=path,
                    expected="a relative path to a .csv file",
                )
                continue
            declared[name] = PurePosixPath(path.replace("\\", "/")).as_posix()
        files = set(self.files)
        for table in TABLES:
            path = declared.get(table)
            if path is not None:
                if path in files:
                    self.table_files[table] = path
                else:
                    self.problem(
                        "package.missing-file",
                        "resources",
                        f"the resource '{table}' points to {path}, which is not in the package",
                        line_key=f"resources.{list(declared).index(table)}",
                        value=path,
                        expected="an existing file",
                    )
            elif f"{table}.csv" in files:
                self.table_files[table] = f"{table}.csv"
            elif table in REQUIRED_TABLES:
                self.problem(
                    "package.missing-file",
                    "",
                    f"{table}.csv is missing; every study package needs it",
                    file=f"{table}.csv",
                    expected="a file",
                )
        used = set(self.table_files.values())
        defaults = [f"{table}.csv" for table in TABLES if table not in self.table_files]
        for name in sorted(files):
            if "/" in name or not name.lower().endswith(".csv") or name in used:
                continue
            close = _closest(name, defaults)
            self.problem(
                "package.unknown-file",
                "",
                f"{name} is not a table of a study package and is ignored"
                + (f"; did you mean {close}?" if close else ""),
                file=name,
                value=name,
                expected="a table file such as organisations.csv",
                suggestion=close,
                severity=Severity.WARNING,
            )


def check_region(descriptor: Descriptor, concepts: ConceptIndex) -> list[Problem]:
    """A problem if the descriptor's region is not a known NUTS code (needs the concept index)."""
    if descriptor.region is None or concepts.resolve("nuts", descriptor.region) is not None:
        return []
    close = [concepts.display(iri) for iri in concepts.suggest("nuts", descriptor.region)]
    suggestion = " or ".join(close) if close else None
    return [
        Problem(
            Severity.VIOLATION,
            "package.descriptor",
            f"region '{descriptor.region}' is not a known NUTS 2024 region"
            + (f"; did you mean {suggestion}?" if suggestion else ""),
            DESCRIPTOR,
            row=descriptor.lines.get("region"),
            column="region",
            value=descriptor.region,
            expected="a NUTS 2024 code",
            suggestion=suggestion,
        )
    ]
