"""Write a new study package: the descriptor, every table with an example row, and a short guide.

The example rows come from the ``example`` of each column in the Table Schemas (plus a second
organisation, so that ties and providers have someone to point at); together they pass the table checks
against the bundled vocabularies, which the tests make sure of.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.errors import InputError
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.ontology.vocabularies import entries
from kg.package.reader import DESCRIPTOR, slugify
from kg.package.schemas import FieldSpec, TableSchema, load_schemas

GUIDE = "README.md"

# A second organisation: the cluster organisation that manages the example cluster, runs the example
# activity and is the target of the example interaction.
_EXTRA_ROWS: dict[str, list[dict[str, str]]] = {
    "organisations": [
        {
            "id": "cluster-office",
            "name": "Robotics Cluster Management e.V.",
            "actor_type": "cluster-organisation",
            "employees": "6",
            "founded": "2015",
            "nuts": "DE126",
            "website": "https://robotics-cluster.example",
        }
    ],
}


def example_rows(schema: TableSchema) -> list[dict[str, str]]:
    """The example rows of a table, cell texts by column name (empty where a column has no example)."""
    first = {spec.name: spec.example or "" for spec in schema.fields}
    extra = [
        {spec.name: row.get(spec.name, "") for spec in schema.fields}
        for row in _EXTRA_ROWS.get(schema.name, [])
    ]
    return [first, *extra]


def table_text(schema: TableSchema) -> str:
    """The CSV text of a table with its header and example rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(schema.field_names)
    for row in example_rows(schema):
        writer.writerow([row[name] for name in schema.field_names])
    return buffer.getvalue()


def descriptor_text(name: str) -> str:
    """A ``datapackage.yaml`` template for a study called ``name`` (a lowercase slug)."""
    return f"""\
# Study package descriptor. Replace the example values; see README.md for the tables.
name: {name}        # the study's id: lowercase letters, digits and '-'; used in IRIs
title: Industry 4.0 adoption in an example robotics cluster
description: >-
  What the study is about, who collected the data, when, where and how.
version: 0.1.0
licenses:           # at least one licence with the IRI of its text
  - name: CC-BY-4.0
    path: https://creativecommons.org/licenses/by/4.0/
    title: Creative Commons Attribution 4.0
contributors:
  - title: Jane Doe
    role: author
    organization: Example University
period:             # when the data were collected (YYYY-MM-DD)
  start: 2021-01-01
  end: 2021-12-31
region: DE12        # NUTS 2024 code of the study region
methods: [focus-group, interview, survey, content-analysis]
language: en        # language of the texts (BCP 47 tag)
# base: https://w3id.org/icgp/id/   # base of the study's IRIs, ending in / or #
public:             # may quotes and survey answers be published with the graph?
  quotes: false
  responses: false
"""


# A vocabulary with at most this many concepts is listed in full in the guide; larger ones are named.
_LISTED_CONCEPTS = 25


def _allowed(spec: FieldSpec, concepts: ConceptIndex, refers_to: str | None) -> str:
    """What a cell of the column may hold, in words, for the guide's column tables."""
    parts = []
    if refers_to:
        parts.append(refers_to)
    elif spec.scheme:
        slugs = [entry.slug for entry in entries(spec.scheme, concepts)]
        if len(slugs) <= _LISTED_CONCEPTS:
            parts.append(f"one of `{spec.scheme}`: " + ", ".join(f"`{slug}`" for slug in slugs))
        else:
            parts.append(f"a concept of `{spec.scheme}` ({len(slugs)}: `icgp vocab show {spec.scheme}`)")
    elif spec.enum:
        parts.append("one of " + ", ".join(f"`{value}`" for value in spec.enum))
    else:
        parts.append(spec.expected or spec.type)
    if spec.minimum is not None or spec.maximum is not None:
        low = "" if spec.minimum is None else f"{spec.minimum:g}"
        high = "" if spec.maximum is None else f"{spec.maximum:g}"
        parts.append(
            f"from {low} to {high}" if low and high else f"at least {low}" if low else f"at most {high}"
        )
    if spec.is_list:
        parts.append("several allowed, separated by `;`")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def column_reference(schemas: dict[str, TableSchema], concepts: ConceptIndex | None = None) -> str:
    """Every table's columns with what they hold and the values they allow, as Markdown tables."""
    concepts = concepts or load_concepts()
    sections = []
    header = "| column | required | what it holds | allowed |\n|---|---|---|---|\n"
    for schema in schemas.values():
        refers = {
            key.field: f"the `{key.reference}` of a row of `{schemas[key.resource].file_name}`"
            for key in schema.foreign_keys
            if key.resource in schemas
        }
        rows = [
            f"| `{spec.name}` | {'yes' if spec.required else ''} | {_cell(spec.description)} | "
            f"{_cell(_allowed(spec, concepts, refers.get(spec.name)))} |"
            for spec in schema.fields
        ]
        sections.append(f"### `{schema.file_name}`\n\n{header}" + "\n".join(rows) + "\n")
    return "\n".join(sections)


def guide_text(schemas: dict[str, TableSchema]) -> str:
    """The contributor's guide written next to the tables, with every column and its allowed values."""
    tables = "\n".join(f"| `{schema.file_name}` | {schema.description} |" for schema in schemas.values())
    columns = column_reference(schemas)
    return f"""\
# Study package

This folder is an ICGP study package: `{DESCRIPTOR}` describes the study, and each CSV file is one
table. Only `{DESCRIPTOR}` and `organisations.csv` are required; delete the tables you do not need.
Every table holds one example row (two in `organisations.csv`): replace them with your data.

| file | one row per |
|---|---|
{tables}

## Filling in the tables

- Save the files as UTF-8 CSV with `,` between cells (in Excel: "CSV UTF-8 (comma delimited)").
  Keep the header row; the column order does not matter and optional columns may be left out.
- Ids (`id`, `code`, `item`) are your own short names: letters, digits, `.`, `_` and `-`, unique within
  their table. Other tables refer to rows by these ids (for example `memberships.csv` names a cluster
  and an organisation).
- Concept cells (actor types, technologies, activity types, roles, ...) name a vocabulary concept by
  its slug, its notation or its English label, in any letter case: `small-enterprise`, `A01.2` and
  `Small enterprise` mean the same actor type. Regions are NUTS 2024 codes such as `DE12`.
- List cells hold several values separated by `;`, for example `T05.2;T03.8`.
- Dates are written `YYYY-MM-DD`, years `YYYY`. Leave a cell empty when you do not know the value.
- Participants and respondents are pseudonyms (P01, R001): never put real names in the package.

## Checking the package

Run `icgp validate .` in this folder. It lists every problem with its file, row and column, what was
expected and, where it can, the closest known value. Fix them and run it again until it reports none.
`icgp vocab list` names the vocabularies and `icgp vocab show SCHEME` lists every value one allows.

## Columns

{columns}"""


def init_package(directory: Path, name: str | None = None) -> list[Path]:
    """Create a study package in ``directory`` (new or empty) and return the files written.

    Raises InputError if ``directory`` is a file or a folder that is not empty, so that nothing is
    overwritten.
    """
    if directory.exists():
        if not directory.is_dir():
            raise InputError(f"{directory} exists and is not a folder; give a new or empty folder")
        if any(directory.iterdir()):
            raise InputError(
                f"{directory} is not empty; 'icgp init' writes only into a new or empty folder, "
                "so that nothing is overwritten"
            )
    study = name if name is not None else (slugify(directory.resolve().name) or "my-study")
    if slugify(study) != study:
        raise InputError(
            f"the study name '{study}' is not a lowercase slug; use e.g. '{slugify(study) or 'my-study'}'"
        )
    schemas = load_schemas()
    files = {DESCRIPTOR: descriptor_text(study), GUIDE: guide_text(schemas)}
    files.update({schema.file_name: table_text(schema) for schema in schemas.values()})
    written = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for file_name, text in files.items():
            path = directory / file_name
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(path)
    except OSError as exc:
        raise InputError(f"could not write the study package to {directory}: {exc.strerror or exc}") from exc
    return written
