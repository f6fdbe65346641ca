"""Opening study packages (folders and .zip archives) and checking their descriptors."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ontology.concepts import ConceptIndex
from kg.package.reader import Contributor, License, PackageEncodingError, open_package
from kg.package.table_checks import check_path

PACKAGES = Path(__file__).parent / "fixtures" / "packages"


@pytest.fixture(scope="module")
def concepts() -> ConceptIndex:
    """The small stand-in vocabularies under tests/fixtures/packages/vocab."""
    return ConceptIndex.from_files(sorted((PACKAGES / "vocab").glob("*.ttl")))


def problems(path: Path, concepts: ConceptIndex) -> list[tuple[str, str, str, int | None, str | None, str]]:
    result = check_path(path, concepts)
    return [(p.severity.value, p.rule, p.file, p.row, p.column, p.message) for p in result.problems]


def test_descriptor_fields_are_read() -> None:
    package = open_package(PACKAGES / "valid")
    descriptor = package.descriptor
    assert descriptor.name == "fixture-study"
    assert descriptor.title == "Fixture study"
    assert descriptor.licenses == (
        License(path="https://creativecommons.org/licenses/by/4.0/", name="CC-BY-4.0", title=None),
    )
    assert (descriptor.period_start, descriptor.period_end) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert (descriptor.region, descriptor.language, descriptor.base) == (
        "DE12",
        "en",
        "https://w3id.org/icgp/id/",
    )
    assert (descriptor.public_quotes, descriptor.public_responses) == (False, False)
    assert package.problems == ()
    assert not package.is_zip
    assert package.table_files["segments"] == "segments.csv"


def test_every_optional_descriptor_field(tmp_path: Path) -> None:
    (tmp_path / "datapackage.yaml").write_text(
        """\
name: rhine-neckar-i40
title: '  Industry 4.0 in Rhine-Neckar '
description: A study.
version: 1.0
licenses: [{name: CC-BY-4.0, path: https://creativecommons.org/licenses/by/4.0/, title: CC BY 4.0}]
contributors: [{title: Jane Doe, role: author, organization: Example University}]
period: {start: '2020-01-01', end: 2021-06-30}
region: de12
methods: [focus-group, survey]
language: de-AT
base: https://example.org/id#
public: {quotes: true}
keywords: [clusters]
""",
        encoding="utf-8",
    )
    (tmp_path / "organisations.csv").write_text("id,name,actor_type,nuts\n", encoding="utf-8")
    descriptor = open_package(tmp_path).descriptor
    assert descriptor.title == "Industry 4.0 in Rhine-Neckar"
    assert descriptor.version == "1.0"
    assert descriptor.contributors == (
        Contributor(title="Jane Doe", role="author", organization="Example University"),
    )
    assert (descriptor.period_start, descriptor.period_end) == (dt.date(2020, 1, 1), dt.date(2021, 6, 30))
    assert (descriptor.region, descriptor.methods) == ("DE12", ("focus-group", "survey"))
    assert (descriptor.language, descriptor.base) == ("de-AT", "https://example.org/id#")
    assert (descriptor.public_quotes, descriptor.public_responses) == (True, False)
    assert open_package(tmp_path).problems == ()


def test_broken_descriptor_reports_every_problem(concepts: ConceptIndex) -> None:
    assert problems(PACKAGES / "broken-descriptor", concepts) == [
        (
            "violation",
            "package.licence",
            "datapackage.yaml",
            None,
            "licenses",
            "the descriptor states no licence; add 'licenses:' with at least one entry that has a path, "
            "e.g. {name: CC-BY-4.0, path: https://creativecommons.org/licenses/by/4.0/}",
        ),
        (
            "violation",
            "package.descriptor",
            "datapackage.yaml",
            1,
            "name",
            "name 'Rhine Neckar I40' is not a lowercase slug; use lowercase letters and digits joined by "
            "'-', '_' or '.', e.g. 'rhine-neckar-i40'",
        ),
        (
            "warning",
            "package.descriptor",
            "datapackage.yaml",
            3,
            "licences",
            "'licences' is not a descriptor field ICGP reads; did you mean 'licenses'?",
        ),
        (
            "violation",
            "package.descriptor",
            "datapackage.yaml",
            7,
            "period",
            "period end 2021-01-01 is before its start 2021-06-30",
        ),
        (
            "violation",
            "package.descriptor",
            "datapackage.yaml",
            8,
            "region",
            "region 'XX99' is not a known NUTS 2024 or ISO 3166 region code",
        ),
        (
            "violation",
            "package.descriptor",
            "datapackage.yaml",
            9,
            "base",
            "base 'https://example.org/id' must be an http(s) IRI ending in '/' or '#', "
            "e.g. https://w3id.org/icgp/id/",
        ),
        (
            "violation",
            "package.descriptor",
            "datapackage.yaml",
            10,
            "language",
            "language 'English' is not a BCP 47 language tag such as en or de-AT",
        ),
        (
            "violation",
            "package.descriptor",
            "datapackage.yaml",
            11,
            "public",
            "public quotes must be true or false, not 'maybe'",
        ),
    ]


def test_missing_organisations_and_unknown_files(concepts: ConceptIndex) -> None:
    assert problems(PACKAGES / "missing-organisations", concepts) == [
        (
            "warning",
            "package.unknown-file",
            "organisation.csv",
            None,
            None,
            "organisation.csv is not a table of a study package and is ignored; "
            "did you mean organisations.csv?",
        ),
        (
            "violation",
            "package.missing-file",
            "organisations.csv",
            None,
            None,
            "organisations.csv is missing; every study package needs it",
        ),
    ]


def test_resources_locate_tables_and_are_checked(concepts: ConceptIndex) -> None:
    package = open_package(PACKAGES / "resources")
    assert package.table_files == {"organisations": "tables/orgs.csv"}
    assert problems(PACKAGES / "resources", concepts) == [
        (
            "violation",
            "package.missing-file",
            "datapackage.yaml",
            11,
            "resources",
            "the resource 'clusters' points to tables/clusters.csv, which is not in the package",
        ),
        (
            "violation",
            "package.resource",
            "datapackage.yaml",
            12,
            "resources",
            "resource 3 names the table 'orgs', which study packages do not have; the tables are "
            "organisations, sites, clusters, memberships, interactions, adoptions, maturity, activities, "
            "participations, sources, participants, codebook, segments, survey_items, respondents, "
            "survey_responses",
        ),
    ]
    result = check_path(PACKAGES / "resources", concepts)
    assert len(result.tables["organisations"]) == 3


def test_checksums_of_the_files_read() -> None:
    package = open_package(PACKAGES / "valid")
    for name in ("datapackage.yaml", "organisations.csv", "survey_responses.csv"):
        assert package.checksums[name] == hashlib.sha256((PACKAGES / "valid" / name).read_bytes()).hexdigest()
    assert len(package.checksums) == 15


def test_the_descriptor_path_itself_opens_the_package() -> None:
    assert open_package(PACKAGES / "valid" / "datapackage.yaml").location == PACKAGES / "valid"


# --- unreadable input --------------------------------------------------------------------------------


def test_no_descriptor() -> None:
    folder = PACKAGES / "no-descriptor"
    with pytest.raises(InputError) as caught:
        open_package(folder)
    assert str(caught.value) == (
        f"{folder} has no datapackage.yaml; every study package needs one ('icgp init DIR' writes a template)"
    )


def test_descriptor_that_is_not_yaml() -> None:
    with pytest.raises(InputError) as caught:
        open_package(PACKAGES / "broken-yaml")
    assert str(caught.value) == (
        "datapackage.yaml is not valid YAML at line 3, column 9: expected ',' or ']', but got ':'; "
        "check the indentation and quoting there"
    )


def test_descriptor_that_is_not_utf8() -> None:
    with pytest.raises(PackageEncodingError) as caught:
        open_package(PACKAGES / "descriptor-latin1")
    assert str(caught.value) == (
        "datapackage.yaml is not UTF-8 text: line 2 has the byte 0xc9, which UTF-8 does not allow there; "
        "save the file as UTF-8 (in Excel: 'CSV UTF-8')"
    )


def test_utf16_table(tmp_path: Path) -> None:
    (tmp_path / "datapackage.yaml").write_bytes((PACKAGES / "valid" / "datapackage.yaml").read_bytes())
    (tmp_path / "organisations.csv").write_bytes("id,name\n".encode("utf-16"))
    (tmp_path / "clusters.csv").write_bytes("id,name\n".encode("utf-16-le"))
    with pytest.raises(PackageEncodingError) as caught:
        open_package(tmp_path)
    assert str(caught.value) == (
        "organisations.csv is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8') "
        "(and 1 more file not UTF-8)"
    )
    assert [(p.rule, p.file, p.row) for p in caught.value.problems] == [
        ("table.encoding", "organisations.csv", 1),
        ("table.encoding", "clusters.csv", 1),
    ]


def test_not_a_folder_or_zip() -> None:
    path = PACKAGES / "valid" / "organisations.csv"
    with pytest.raises(InputError) as caught:
        open_package(path)
    assert str(caught.value) == (
        f"{path} is neither a folder nor a .zip archive; give the folder (or .zip) of a study package"
    )


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        open_package(tmp_path / "nowhere")
    assert (
        str(caught.value)
        == f"{tmp_path / 'nowhere'} does not exist; give the folder (or .zip) of a study package"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "datapackage.yaml is empty; it needs at least name, title and licenses"),
        ("- name: x\n", "datapackage.yaml must be a mapping of fields (name: ..., title: ...), not a list"),
        ("name: x\n\tbad: tab\n", None),
    ],
)
def test_descriptor_shapes_that_cannot_be_read(tmp_path: Path, text: str, message: str | None) -> None:
    (tmp_path / "datapackage.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_package(tmp_path)
    if message is not None:
        assert str(caught.value) == message
    else:
        assert str(caught.value).startswith("datapackage.yaml is not valid YAML at line 2")


# --- zip archives ------------------------------------------------------------------------------------


def zip_folder(folder: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, prefix + path.relative_to(folder).as_posix())
    return archive


@pytest.mark.parametrize("prefix", ["", "my-study/"])
def test_zip_reads_like_its_folder(tmp_path: Path, concepts: ConceptIndex, prefix: str) -> None:
    for name in ("valid", "five-problems", "resources"):
        folder = PACKAGES / name
        archive = zip_folder(folder, tmp_path / f"{name}.zip", prefix)
        from_folder = check_path(folder, concepts)
        from_zip = check_path(archive, concepts)
        assert from_zip.package.is_zip
        assert from_zip.problems == from_folder.problems
        assert from_zip.tables == from_folder.tables
        assert from_zip.checksums == from_folder.checksums
        assert from_zip.descriptor == from_folder.descriptor


def test_zip_ignores_macos_metadata(tmp_path: Path, concepts: ConceptIndex) -> None:
    archive = zip_folder(PACKAGES / "valid", tmp_path / "valid.zip", "study/")
    with zipfile.ZipFile(archive, "a") as out:
        out.writestr("__MACOSX/study/._organisations.csv", b"\x00\x05\x16\x07")
    assert check_path(archive, concepts).problems == []


def test_zip_member_leaving_the_archive_is_refused(tmp_path: Path) -> None:
    archive = zip_folder(PACKAGES / "valid", tmp_path / "evil.zip")
    with zipfile.ZipFile(archive, "a") as out:
        out.writestr("../x", b"outside")
    with pytest.raises(InputError) as caught:
        open_package(archive)
    assert str(caught.value) == (
        f"{archive}: the member '../x' points outside the archive; refusing the whole study package "
        "(re-create the .zip from the package folder)"
    )


def test_zip_with_absolute_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "absolute.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("/etc/datapackage.yaml", b"name: x\n")
    with pytest.raises(InputError, match="points outside the archive"):
        open_package(archive)


def test_zip_without_descriptor(tmp_path: Path) -> None:
    archive = tmp_path / "two-folders.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a/datapackage.yaml", b"name: x\n")
        out.writestr("b/organisations.csv", b"id\n")
    with pytest.raises(InputError) as caught:
        open_package(archive)
    assert str(caught.value) == (
        f"{archive}: no datapackage.yaml at the top of the archive or inside its single top folder; "
        "zip the package folder that holds datapackage.yaml"
    )


def test_file_named_zip_that_is_not_one(tmp_path: Path) -> None:
    archive = tmp_path / "fake.zip"
    archive.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"is neither a folder nor a \.zip archive"):
        open_package(archive)


def test_zip_with_a_symbolic_link_member_is_refused(tmp_path: Path) -> None:
    # Package archives go through the same safe reader as REFI-QDA projects (kg.package.safe_input).
    archive = zip_folder(PACKAGES / "valid", tmp_path / "link.zip")
    link = zipfile.ZipInfo("organisations-link.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "a") as out:
        out.writestr(link, "/etc/passwd")
    with pytest.raises(InputError) as caught:
        open_package(archive)
    assert str(caught.value) == (
        f"{archive}: the member 'organisations-link.csv' is a symbolic link; refusing the study package"
    )


def test_a_missing_resource_file_is_reported_at_its_own_entry(tmp_path: Path, concepts: ConceptIndex) -> None:
    # A rejected entry before it used to shift the line to the entry above.
    package = tmp_path / "resources"
    shutil.copytree(PACKAGES / "resources", package)
    descriptor = package / "datapackage.yaml"
    text = descriptor.read_text(encoding="utf-8").replace(
        "  - {name: clusters, path: tables/clusters.csv}\n",
        '  - "bad"\n  - {name: clusters, path: tables/clusters.csv}\n',
    )
    descriptor.write_text(text, encoding="utf-8")
    missing = [p for p in problems(package, concepts) if p[1] == "package.missing-file"]
    assert missing == [
        (
            "violation",
            "package.missing-file",
            "datapackage.yaml",
            12,
            "resources",
            "the resource 'clusters' points to tables/clusters.csv, which is not in the package",
        )
    ]
