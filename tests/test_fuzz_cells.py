"""Property-based fuzz of one cell of one table (issue 13, item 9): check -> build -> serialise.

For every table of a study package, Hypothesis replaces one cell of a valid package with hostile text
(control characters, non-ASCII digits, 6,000-digit numbers, impossible dates, ``.`` and ``..``, IRIs
with characters an IRI may not hold, quotes and line breaks, and arbitrary surrogate-free text). The
property: the package is refused (problems, or the library's InputError), or it builds and the graph
serialises as N-Quads, Turtle and RDF/XML and parses back to the same quads with pyoxigraph. Any other
exception is a crash.

The base package is the hand-written ``tests/fixtures/build/mini`` (every table, one or two rows) plus
two ``maturity`` rows and two ``sites`` rows, the tables it lacks. The bundled sample has the same
tables but no sites, and takes about 2.5 s per example to check, build and serialise (0.5 s to
build, 2 s to serialise 16,000 quads), so a budget of about 20 s would allow some 8 examples in all;
the mini package takes about 30 ms, which allows some 40 examples per table. The mutated cell goes
through the same code either way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build.builder import build_study
from kg.build.serialize import serialize_quads
from kg.build.writer import iri_segment
from kg.errors import InputError
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.package.reader import StudyPackage, open_package
from kg.package.schemas import TABLES
from kg.package.table_checks import check_package
from kg.problems import Severity

MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
# Two assessments of an organisation of the mini package, with and without a stage.
MATURITY = "organisation,date,framework,dimension,score,stage,evidence\r\n" + (
    "acme,2021-03-01,DMA,DMA1,41,,\r\nacme,2021-03-01,DMA,DMA2,52,,fg1\r\n"
)
# Two sites of organisations of the mini package, one with a point and an address, one bare.
SITES = "id,organisation,name,nuts,latitude,longitude,address\r\n" + (
    "acme-north,acme,Acme North,DE111,48.78,9.18,Hauptstraße 1\r\nuni-lab,uni,,DE111,,,\r\n"
)
BUILT_AT = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
# About 10 s on two shared cores; ICGP_FUZZ_EXAMPLES runs a deeper search (same seed, more examples).
EXAMPLES_PER_TABLE = int(os.environ.get("ICGP_FUZZ_EXAMPLES", "40"))

# Round trips checked for each built graph: CLI format name and the pyoxigraph format to parse it.
ROUND_TRIPS = {"nq": ox.RdfFormat.N_QUADS, "ttl": ox.RdfFormat.TURTLE, "xml": ox.RdfFormat.RDF_XML}


class Base:
    """The valid package every example starts from, its tables split into cells, and the concepts."""

    def __init__(
        self, package: StudyPackage, cells: dict[str, list[list[str]]], concepts: ConceptIndex
    ) -> None:
        self.package = package
        self.cells = cells
        self.concepts = concepts

    def __repr__(self) -> str:
        # Hypothesis prints the arguments of a failing example: the package's name says enough.
        return f"Base({self.package.location.name})"


@pytest.fixture(scope="module")
def base() -> Base:
    package = open_package(MINI)
    package = replace(
        package,
        texts={**package.texts, "maturity": MATURITY, "sites": SITES},
        table_files={**package.table_files, "maturity": "maturity.csv", "sites": "sites.csv"},
    )
    cells = {table: list(csv.reader(io.StringIO(text, newline=""))) for table, text in package.texts.items()}
    concepts = load_concepts()
    checked = check_package(package, concepts)
    assert checked.ok, [p.message for p in checked.problems]
    return Base(package, cells, concepts)


def test_the_base_package_has_every_table(base: Base) -> None:
    assert sorted(base.package.texts) == sorted(TABLES)
    assert all(len(rows) >= 2 for rows in base.cells.values())


# Characters an IRI may not contain, or that are legal but unusual enough to trip an encoder.
_IRI_ODD = "%{}|^`\\<> \"'\x7f\ufffe\ufdd0\U0010ffff\U000e0041\u00a0\u200b#?/:@[]!$&()*+,;="
_SPECIAL = [
    "",
    " ",
    ".",
    "..",
    "../..",
    "./x",
    "2020-02-30",
    "2021-13-01",
    "0000",
    "0000-01-01",
    "9999-12-31",
    "-0001",
    "\u0663",
    "\uff13",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-0",
    "0x1F",
    "1_000",
    "https://x.example/%zz",
    "https://x.example/{a}",
    "https://x.example/a|b",
    "https://x.example/^`",
    "http://[::1",
    "javascript:alert(1)",
    "mailto:a@b.example",
    "urn:",
    '"',
    '""',
    'a"b',
    "a,b",
    "a;b;;c",
    "line\nbreak",
    "\r\n",
    "\x00",
    "\x1b[31mred",
    "=1+1",
    "\ufeffbom",
    "\u2028",
    "\ud7ff\ue000",
]
CELL_TEXT = st.one_of(
    st.sampled_from(_SPECIAL),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["https://", "http://", "urn:x:", "ftp://", ""]),
        st.text(alphabet=st.sampled_from(_IRI_ODD + "abc"), max_size=12),
    ),
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        st.integers(0, 10000),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
)


def _with_cell(base: Base, table: str, row: int, column: int, text: str) -> StudyPackage:
    rows = [list(r) for r in base.cells[table]]
    rows[row][column] = text
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return replace(base.package, texts={**base.package.texts, table: out.getvalue()})


def _assert_builds_or_is_refused(package: StudyPackage, concepts: ConceptIndex) -> None:
    """The fuzz property: refused with problems (or InputError), or built, serialised and parsed back."""
    try:
        checked = check_package(package, concepts)
        if not checked.ok:
            assert any(p.severity is Severity.VIOLATION for p in checked.problems)
            return
        quads = build_study(checked, concepts, BUILT_AT).quads
    except InputError:
        return
    for fmt, rdf_format in ROUND_TRIPS.items():
        data = serialize_quads(quads, fmt)
        parsed = set(ox.parse(data, format=rdf_format))
        if rdf_format.supports_datasets:
            assert parsed == set(quads), fmt
        else:
            assert {q.triple for q in parsed} == {q.triple for q in quads}, fmt


@pytest.mark.parametrize("table", TABLES)
@settings(
    max_examples=EXAMPLES_PER_TABLE,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), text=CELL_TEXT)
def test_one_hostile_cell_never_crashes(base: Base, table: str, data: st.DataObject, text: str) -> None:
    rows = base.cells[table]
    row = data.draw(st.integers(1, len(rows) - 1), label="row")
    column = data.draw(st.integers(0, len(rows[0]) - 1), label="column")
    _assert_builds_or_is_refused(_with_cell(base, table, row, column, text), base.concepts)


# --- crashes the fuzz found, as named regression tests -------------------------------------------


@pytest.mark.parametrize(
    ("coder", "local"),
    [("\x08", "%08"), ("C 1", "C%201"), ("a{b}|c", "a%7Bb%7D%7Cc"), ("50%", "50%25"), ("C%41", "C%41")],
)
def test_a_coder_pseudonym_no_iri_may_hold_is_percent_encoded(base: Base, coder: str, local: str) -> None:
    # Before the fix, build_study raised ValueError ("Invalid IRI code point") on the coder's IRI.
    package = _with_cell(base, "segments", 1, base.cells["segments"][0].index("coder"), coder)
    checked = check_package(package, base.concepts)
    assert checked.ok
    quads = build_study(checked, base.concepts, BUILT_AT).quads
    attributed = {
        q.object.value for q in quads if q.predicate.value == "http://www.w3.org/ns/prov#wasAttributedTo"
    }
    assert attributed == {"https://example.org/id/mini/coder/" + local}
    _assert_builds_or_is_refused(package, base.concepts)


def test_iri_segment_keeps_valid_ids_and_encodes_the_rest() -> None:
    assert iri_segment("org-05") == "org-05"
    assert iri_segment("Straße_1.2~") == "Straße_1.2~"
    assert iri_segment("a\x7fb\ufffe\U000e0041") == "a%7Fb%EF%BF%BE%F3%A0%81%81"
    assert iri_segment("%zz%4") == "%25zz%254"
