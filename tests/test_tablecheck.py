"""Table checks: one broken fixture per check, each asserting file, row, column and message."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from kg.errors import ResourceMissingError
from kg.ontology import resources
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.package.cells import Nearest
from kg.package.reader import PackageEncodingError, open_package
from kg.package.schemas import TABLES, load_schemas, schema_json
from kg.package.table_checks import SCHEME_NOUNS, CheckedPackage, check_package, check_path, report_order
from kg.problems import Problem, Severity

PACKAGES = Path(__file__).parent / "fixtures" / "packages"
VOCAB = "https://w3id.org/icgp/vocab/"
NUTS = "http://data.europa.eu/nuts/code/"

V, W = "violation", "warning"


@pytest.fixture(scope="module")
def concepts() -> ConceptIndex:
    """The small stand-in vocabularies under tests/fixtures/packages/vocab."""
    return ConceptIndex.from_files(sorted((PACKAGES / "vocab").glob("*.ttl")))


def check(name: str, concepts: ConceptIndex) -> CheckedPackage:
    return check_path(PACKAGES / name, concepts)


def report(result: CheckedPackage) -> list[tuple[str, str, str, int | None, str | None, str]]:
    return [(p.severity.value, p.rule, p.file, p.row, p.column, p.message) for p in result.problems]


# --- a valid package ---------------------------------------------------------------------------------


def test_valid_package_has_no_problems_and_parsed_rows(concepts: ConceptIndex) -> None:
    result = check("valid", concepts)
    assert report(result) == []
    assert result.ok
    assert {table: len(rows) for table, rows in result.tables.items()} == {
        "organisations": 3,
        "clusters": 1,
        "memberships": 3,
        "interactions": 2,
        "adoptions": 2,
        "activities": 1,
        "participations": 2,
        "sources": 2,
        "participants": 2,
        "codebook": 2,
        "segments": 2,
        "survey_items": 2,
        "respondents": 2,
        "survey_responses": 3,
    }
    uni = result.tables["organisations"][1]
    assert uni.line == 3
    assert uni.values == {
        "id": "uni",
        "name": "University of Exampleton",
        "actor_type": VOCAB + "actor/higher-education-institution",
        "actor_subtype": None,
        "size_class": None,
        "employees": None,
        "founded": 1386,
        "nuts": NUTS + "DE122",
        "nace": "85.42",
        "website": None,
        "wikidata": "Q42",
        "latitude": None,
        "longitude": None,
        "address": None,
        "identifiers": None,
        "contact_person": None,
        "contact_email": None,
    }
    # A lower-case NUTS code and a notation resolve like the canonical names.
    office = result.tables["organisations"][2].values
    assert (office["nuts"], office["actor_type"]) == (NUTS + "DE126", VOCAB + "actor/cluster-organisation")
    cluster = result.tables["clusters"][0].values
    assert cluster["specialisations"] == [
        VOCAB + "i40t/collaborative-robots",
        VOCAB + "i40t/machine-learning",
    ]
    assert cluster["excellence_label"] == VOCAB + "excellence-label/bronze"
    membership = result.tables["memberships"][0].values
    assert membership == {
        "cluster": "robots",
        "organisation": "acme",
        "role": VOCAB + "role/member",  # the default of an empty role cell
        "since": dt.date(2016, 3, 1),
        "until": None,
    }
    assert result.tables["interactions"][0].values["evidence"] == ["fg1", "int1"]
    assert result.tables["participations"][0].values["role"] == VOCAB + "participation-role/beneficiary"
    assert result.tables["survey_items"][1].values["scale"] == (0, 10)
    assert result.tables["activities"][0].values["title"] == "Cobot workshop, part 1"
    # A quoted cell over two lines: the next record starts two lines further down.
    segments = result.tables["segments"]
    assert [row.line for row in segments] == [2, 3]
    assert segments[1].values["quote"] == "A quote\nover two lines"
    assert segments[1].values["codes"] == ["BAR", "BAR-SKILLS"]
    assert result.table_files["organisations"] == "organisations.csv"
    assert result.descriptor.name == "fixture-study"


def test_byte_order_mark_is_tolerated(concepts: ConceptIndex) -> None:
    result = check("bom", concepts)
    assert report(result) == []
    assert result.tables["organisations"][0].values["id"] == "acme"


def test_checks_are_deterministic_and_sorted(concepts: ConceptIndex) -> None:
    first = check("five-problems", concepts).problems
    second = check("five-problems", concepts).problems
    assert first == second
    # Root causes first: structure, then cells, then references between tables; each by file, row, column.
    assert first == report_order(sorted(first, key=Problem.sort_key))
    assert [p.rule for p in first][-1] == "table.foreign-key"


# --- one broken fixture per check --------------------------------------------------------------------


def test_encoding(concepts: ConceptIndex) -> None:
    with pytest.raises(PackageEncodingError) as caught:
        check("broken-encoding", concepts)
    message = (
        "organisations.csv is not UTF-8 text: line 3 has the byte 0xe9, which UTF-8 does not allow there; "
        "save the file as UTF-8 (in Excel: 'CSV UTF-8')"
    )
    assert str(caught.value) == message
    assert [(p.rule, p.file, p.row, p.column, p.value, p.message) for p in caught.value.problems] == [
        ("table.encoding", "organisations.csv", 3, None, "0xe9", message)
    ]


def test_delimiter(concepts: ConceptIndex) -> None:
    result = check("broken-delimiter", concepts)
    assert report(result) == [
        (
            V,
            "table.delimiter",
            "organisations.csv",
            1,
            None,
            "organisations.csv separates its columns with ';'; save it with ',' between columns "
            "(in Excel: 'CSV UTF-8 (comma delimited)')",
        )
    ]
    assert result.problems[0].value == ";"
    assert result.tables["organisations"] == []


def test_ragged_rows(concepts: ConceptIndex) -> None:
    result = check("broken-ragged", concepts)
    # Line 2-3 is one record with a quoted line break, so the ragged rows sit on lines 4, 5 and 6.
    assert report(result) == [
        (
            V,
            "table.ragged",
            "organisations.csv",
            4,
            None,
            "row has 11 cells but the header has 10; put quotes around cells that contain ','",
        ),
        (V, "table.ragged", "organisations.csv", 5, None, "row has 2 cells but the header has 10"),
        (
            V,
            "table.ragged",
            "organisations.csv",
            6,
            None,
            "row has 12 cells but the header has 10; put quotes around cells that contain ','",
        ),
    ]
    assert (result.problems[0].value, result.problems[0].expected) == ("11 cells", "10 cells")
    assert [row.line for row in result.tables["organisations"]] == [2]


def test_header(concepts: ConceptIndex) -> None:
    result = check("broken-header", concepts)
    assert report(result) == [
        (
            V,
            "table.header",
            "organisations.csv",
            1,
            "actor type",
            "column 'actor type' is not a column of organisations; did you mean 'actor_type'?",
        ),
        (
            W,
            "table.header",
            "organisations.csv",
            1,
            "comment",
            "column 'comment' is not a column of organisations (its cells are ignored)",
        ),
        (
            V,
            "table.header",
            "organisations.csv",
            1,
            "name",
            "column 'name' appears twice in the header (columns 2 and 5); keep one, only the first is read",
        ),
        # No complaint about the missing nuts column: a region is optional (issue 15).
    ]
    assert result.problems[0].suggestion == "actor_type"


def test_required(concepts: ConceptIndex) -> None:
    assert report(check("broken-required", concepts)) == [
        (
            V,
            "table.required",
            "organisations.csv",
            3,
            "name",
            "name is empty; organisations needs a value in every row",
        )
    ]


def test_types(concepts: ConceptIndex) -> None:
    result = check("broken-type", concepts)
    assert report(result) == [
        (V, "table.type", "organisations.csv", 2, "employees", "employees 'forty' is not a whole number"),
        (
            V,
            "table.type",
            "organisations.csv",
            2,
            "nace",
            "nace '28,4' is not a NACE Rev. 2 code: an optional section letter, two digits and up to two "
            "decimals, e.g. 28, 28.4 or C28.41",
        ),
        (
            V,
            "table.type",
            "organisations.csv",
            2,
            "website",
            "website 'www.acme.example' is not a web address starting with http:// or https://; "
            "did you mean 'https://www.acme.example'?",
        ),
        (
            V,
            "table.type",
            "organisations.csv",
            2,
            "wikidata",
            "wikidata 'https://www.wikidata.org/wiki/Q42' is not a Wikidata item id: Q followed by digits, "
            "e.g. Q42",
        ),
        (
            V,
            "table.range",
            "organisations.csv",
            3,
            "employees",
            "employees '-3' is out of range; expected a value of at least 0",
        ),
        (
            V,
            "table.type",
            "organisations.csv",
            3,
            "founded",
            "founded '86' is not a year; write four digits such as 2021",
        ),
        (
            V,
            "table.type",
            "organisations.csv",
            4,
            "id",
            "id 'office id' is not a local id of letters, digits, '.', '_' or '-' without spaces",
        ),
    ]
    assert [p.suggestion for p in result.problems] == [
        None,
        "28.4",
        "https://www.acme.example",
        "Q42",
        None,
        None,
        "office-id",
    ]
    assert result.tables["organisations"][0].values["employees"] is None


def test_unique_ids_and_composite_keys(concepts: ConceptIndex) -> None:
    assert report(check("broken-unique", concepts)) == [
        (
            V,
            "table.unique",
            "memberships.csv",
            3,
            "cluster",
            "the combination cluster 'robots', organisation 'acme', role 'member' appears twice "
            "(also on row 2); merge the two rows",
        ),
        (
            V,
            "table.unique",
            "organisations.csv",
            5,
            "id",
            "id 'acme' is used twice (also on row 2); each id must be unique in organisations",
        ),
    ]


def test_foreign_keys_with_suggestions(concepts: ConceptIndex) -> None:
    result = check("broken-foreign-key", concepts)
    assert report(result) == [
        (
            V,
            "table.list",
            "interactions.csv",
            3,
            "evidence",
            "evidence item 'fg1,int1' separates list items with ','; use ';' between items",
        ),
        (
            V,
            "table.foreign-key",
            "clusters.csv",
            2,
            "managed_by",
            "managed_by 'ofice' is not an id in organisations.csv; did you mean 'office'?",
        ),
        (
            V,
            "table.foreign-key",
            "interactions.csv",
            2,
            "evidence",
            "evidence item 'fg2' is not an id in sources.csv; did you mean 'fg1'?",
        ),
        (
            V,
            "table.foreign-key",
            "interactions.csv",
            2,
            "target",
            "target 'acme-robotic' is not an id in organisations.csv; did you mean 'acme-robotics'?",
        ),
    ]
    assert [p.suggestion for p in result.problems] == ["fg1;int1", "'office'", "'fg1'", "'acme-robotics'"]


def test_foreign_key_into_a_missing_table_is_reported_once(concepts: ConceptIndex) -> None:
    assert report(check("broken-missing-table", concepts)) == [
        (
            V,
            "table.foreign-key",
            "interactions.csv",
            3,
            "evidence",
            "evidence refers to sources.csv, which the package does not have; add sources.csv or leave "
            "evidence empty",
        )
    ]


def test_vocabulary_concepts_with_suggestions(concepts: ConceptIndex) -> None:
    result = check("broken-concept", concepts)
    assert report(result) == [
        (
            V,
            "table.concept",
            "organisations.csv",
            2,
            "size_class",
            "size_class 'tiny' is not a known enterprise size class",
        ),
        (
            V,
            "table.concept",
            "organisations.csv",
            3,
            "actor_type",
            "actor_type 'univrsity' is not a known actor type; "
            "did you mean 'higher-education-institution' (A02)?",
        ),
        (
            V,
            "table.type",
            "organisations.csv",
            3,
            "nuts",
            "nuts 'Karlsruhe' is not a region code: NUTS 2024 (e.g. DE12), an ISO 3166-1 country (e.g. FR) "
            "or an ISO 3166-2 subdivision (e.g. US-CA); "
            "did you mean 'DE12' (Karlsruhe) or 'DE122' (Karlsruhe, Stadtkreis)?",
        ),
        (
            V,
            "table.concept",
            "organisations.csv",
            4,
            "nuts",
            "nuts 'DE99' is not a known NUTS 2024 or ISO 3166 region code; did you mean 'DE' (Deutschland)?",
        ),
    ]
    problem = result.problems[1]
    assert (problem.value, problem.expected, problem.suggestion) == (
        "univrsity",
        "an actor type: its slug, notation or English label",
        "'higher-education-institution' (A02)",
    )


def test_dates(concepts: ConceptIndex) -> None:
    result = check("broken-date", concepts)
    assert report(result) == [
        (W, "table.date", "activities.csv", 2, "end", "end 2021-03-09 is before start 2021-03-10"),
        (V, "table.date", "memberships.csv", 2, "since", "since '2021-02-30' is not a real calendar date"),
        (
            V,
            "table.date",
            "memberships.csv",
            3,
            "since",
            "since '30.06.2021' is not a date as YYYY-MM-DD; did you mean 2021-06-30?",
        ),
        (W, "table.date", "memberships.csv", 4, "until", "until 2019-12-31 is before since 2020-01-01"),
    ]
    assert result.problems[2].suggestion == "2021-06-30"
    # Warnings alone do not block a build; the wrong dates do.
    assert not result.ok


def test_list_cells(concepts: ConceptIndex) -> None:
    result = check("broken-list", concepts)
    assert report(result) == [
        (
            W,
            "table.list",
            "activities.csv",
            2,
            "technologies",
            "technologies lists 'cobots' twice; keep it once",
        ),
        (
            W,
            "table.list",
            "clusters.csv",
            2,
            "specialisations",
            "specialisations 'T05.2;;T03.8' has an empty list item; remove the extra ';'",
        ),
        (
            V,
            "table.list",
            "clusters.csv",
            3,
            "specialisations",
            "specialisations item 'T05.2, T03.8' separates list items with ','; use ';' between items",
        ),
        (
            V,
            "table.list",
            "organisations.csv",
            3,
            "actor_type",
            "actor_type 'A02;A04' is a list, but this column takes one actor type",
        ),
    ]
    assert [p.suggestion for p in result.problems[1:3]] == ["T05.2;T03.8", "T05.2;T03.8"]
    # The empty item and the repeated item are dropped from the parsed lists.
    assert result.tables["clusters"][0].values["specialisations"] == [
        VOCAB + "i40t/collaborative-robots",
        VOCAB + "i40t/predictive-maintenance",
    ]
    assert result.tables["activities"][0].values["technologies"] == [VOCAB + "i40t/collaborative-robots"]


def test_ranges_offsets_and_scales(concepts: ConceptIndex) -> None:
    assert report(check("broken-range", concepts)) == [
        (
            V,
            "table.range",
            "interactions.csv",
            2,
            "intensity",
            "intensity '7' is out of range; expected a value from 1 to 5",
        ),
        (V, "table.range", "segments.csv", 2, "end", "end 200 is before start 300"),
        (
            V,
            "table.range",
            "segments.csv",
            3,
            "end",
            "end 5020 lies beyond the end of source 'fg1', which is 5000 characters long",
        ),
        (
            V,
            "table.range",
            "survey_items.csv",
            3,
            "scale",
            "scale '5-1' has its minimum not below its maximum",
        ),
        (
            V,
            "table.range",
            "survey_responses.csv",
            2,
            "value",
            "value 6 is outside the scale 1-5 of item 'q1'",
        ),
    ]


def test_five_problems_of_five_kinds_in_one_run(concepts: ConceptIndex) -> None:
    result = check("five-problems", concepts)
    assert report(result) == [
        (V, "table.type", "organisations.csv", 2, "employees", "employees 'many' is not a whole number"),
        (
            V,
            "table.required",
            "organisations.csv",
            3,
            "name",
            "name is empty; organisations needs a value in every row",
        ),
        (
            V,
            "table.concept",
            "organisations.csv",
            4,
            "actor_type",
            "actor_type 'univrsity' is not a known actor type; "
            "did you mean 'higher-education-institution' (A02)?",
        ),
        (
            V,
            "table.unique",
            "organisations.csv",
            4,
            "id",
            "id 'acme' is used twice (also on row 2); each id must be unique in organisations",
        ),
        (
            V,
            "table.foreign-key",
            "memberships.csv",
            2,
            "organisation",
            "organisation 'acm' is not an id in organisations.csv; did you mean 'acme'?",
        ),
    ]
    assert len({p.rule for p in result.problems}) == 5


# --- odd input never raises ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            [
                (
                    "table.header",
                    1,
                    "organisations.csv has no header row; its first line must name the columns",
                )
            ],
        ),
        (
            "\n\n",
            [
                (
                    "table.header",
                    1,
                    "organisations.csv has no header row; its first line must name the columns",
                )
            ],
        ),
        ("id,name,actor_type,nuts\n", []),
        ("id,name,actor_type,nuts\n\n,,,\n", []),
        (
            'id,name,actor_type,nuts\nacme,"Acme,small-enterprise,DE126\n',
            [
                (
                    "table.ragged",
                    2,
                    'row has 2 cells but the header has 4; a quote (") seems to be left open in column '
                    "'name' at row 2; close the quote or remove it",
                )
            ],
        ),
        (
            "id,name,actor_type,nuts\nacme," + "x" * 200_000 + ",small-enterprise,DE126\n",
            [
                (
                    "table.csv",
                    2,
                    "organisations.csv: the cell in column 'name' of row 2 is longer than 131,072 "
                    "characters, the most a cell may hold; shorten it (or check for a quote left open "
                    "before it)",
                )
            ],
        ),
        (
            "id,name,actor_type,nuts\nacme;Acme;small-enterprise;DE126\n",
            [
                (
                    "table.ragged",
                    2,
                    "row has 1 cell but the header has 4; its cells seem to be separated by ';' or a tab "
                    "instead of ','",
                )
            ],
        ),
    ],
)
def test_odd_tables_give_problems_not_exceptions(
    tmp_path: Path, concepts: ConceptIndex, text: str, expected: list[tuple[str, int, str]]
) -> None:
    shutil.copy(PACKAGES / "valid" / "datapackage.yaml", tmp_path / "datapackage.yaml")
    (tmp_path / "organisations.csv").write_text(text, encoding="utf-8", newline="")
    result = check_path(tmp_path, concepts)
    assert [(p.rule, p.row, p.message) for p in result.problems] == expected


def test_a_vocabulary_the_tables_need_must_be_installed(concepts: ConceptIndex) -> None:
    without_nuts = ConceptIndex.from_files([PACKAGES / "vocab" / "concepts.ttl"])
    with pytest.raises(ResourceMissingError, match="the vocabularies nuts are not among the bundled"):
        check_package(open_package(PACKAGES / "valid"), without_nuts)


def test_suggestions_in_a_large_id_set_find_one_edit_neighbours() -> None:
    nearest = Nearest(f"org-{number:05d}" for number in range(50_000))
    assert nearest.suggest("org-1234") == ["org-01234", "org-10234", "org-11234"]
    assert nearest.suggest("org-12354") == ["org-12354"]
    assert nearest.suggest("ORG-00042") == ["org-00042"]
    assert nearest.suggest("org-00042x") == ["org-00042"]
    assert nearest.suggest("company") == []


# --- the schemas -----------------------------------------------------------------------------------

# The table and column list of the working contract (binding).
CONTRACT_COLUMNS = {
    "organisations": "id name actor_type actor_subtype size_class employees founded nuts nace website "
    "wikidata latitude longitude address identifiers contact_person contact_email",
    "sites": "id organisation name nuts latitude longitude address",
    "clusters": "id name nuts specialisations managed_by founded lifecycle_stage excellence_label",
    "memberships": "cluster organisation role since until",
    "interactions": "id source target interaction_type linkage intensity year evidence",
    "adoptions": "organisation technology status year evidence",
    "maturity": "organisation date framework dimension score stage evidence",
    "activities": "id title activity_type provider cluster start end technologies addresses nuts",
    "participations": "activity organisation role",
    "sources": "id kind title date participants language length",
    "participants": "id organisation actor_type source",
    "codebook": "code label parent definition polarity maps_to include exclude example",
    "segments": "id source codes speaker start end quote coder",
    "survey_items": "item text scale construct",
    "respondents": "id actor_type organisation nuts",
    "survey_responses": "respondent item value",
}


def test_schemas_have_the_contract_columns_and_consistent_keys() -> None:
    schemas = load_schemas()
    assert tuple(schemas) == TABLES
    assert {name: " ".join(schema.field_names) for name, schema in schemas.items()} == CONTRACT_COLUMNS
    for name, schema in schemas.items():
        data = json.loads(schema_json(name))
        assert data["name"] == name
        for part in schema.primary_key:
            assert part in schema.field_names
        for fk in schema.foreign_keys:
            assert fk.field in schema.field_names
            assert fk.reference in schemas[fk.resource].field_names
            assert schemas[fk.resource].field(fk.reference).required
        for spec in schema.fields:
            assert spec.scheme is None or spec.scheme in SCHEME_NOUNS
            assert spec.description


def test_every_scheme_the_tables_use_is_bundled() -> None:
    bundled = load_concepts(resources.vocabulary_files())
    used = {spec.scheme for schema in load_schemas().values() for spec in schema.fields if spec.scheme}
    assert sorted(used - set(bundled.schemes())) == []
    # Defaults of empty cells exist in the bundled vocabularies.
    assert bundled.resolve("role", "member") == VOCAB + "role/member"
    assert bundled.resolve("participation-role", "beneficiary") == VOCAB + "participation-role/beneficiary"


def test_problem_location_and_record() -> None:
    problem = Problem(Severity.WARNING, "table.list", "m", "a.csv", 3, "evidence", "x", "y", "z")
    assert problem.location == "a.csv:3:evidence"
    assert Problem(Severity.VIOLATION, "package.missing-file", "m", "organisations.csv").location == (
        "organisations.csv"
    )
    assert problem.as_dict()["severity"] == "warning"


def test_concept_index_lookups(concepts: ConceptIndex) -> None:
    hei = VOCAB + "actor/higher-education-institution"
    for name in (
        "higher-education-institution",
        "A02",
        "a02",
        "Higher-education institution",
        " UNIVERSITY ",
    ):
        assert concepts.resolve("actor", name) == hei
    assert concepts.resolve("size", "A02") is None
    assert concepts.resolve("nowhere", "A02") is None
    assert concepts.resolve("nuts", "de12") == NUTS + "DE12"
    assert (concepts.label(hei), concepts.notation(hei), concepts.scheme_of(hei)) == (
        "Higher-education institution",
        "A02",
        "actor",
    )
    assert concepts.display(hei) == "'higher-education-institution' (A02)"
    assert concepts.display(NUTS + "DE12") == "'DE12' (Karlsruhe)"
    assert concepts.value(hei, "https://w3id.org/icgp/ontology#actorClass") == (
        "https://w3id.org/icgp/ontology#HigherEducationInstitution"
    )
    small = VOCAB + "size/small"
    assert concepts.int_value(small, "https://w3id.org/icgp/ontology#maxEmployees") == 49
    assert concepts.int_value(VOCAB + "size/large", "https://w3id.org/icgp/ontology#maxEmployees") is None
    assert concepts.suggest("actor", "univrsity") == [hei]
    assert concepts.suggest("actor", "zzzz") == []
    assert concepts.concepts("role") == [VOCAB + "role/anchor", VOCAB + "role/member"]
