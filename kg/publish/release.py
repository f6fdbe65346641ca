"""``icgp release``: a versioned, documented, licensed bundle of the ontology, vocabularies and data.

Layout of a release folder::

    README.md             what is where (no dates)
    CHANGELOG.md          this version's entry, made by ``icgp diff`` against --previous (or a summary)
    changes.ttl           the same change set as RDF (only with --previous)
    index.html            landing page with links to everything
    catalog.ttl           DCAT: catalog, datasets, distributions (size, SHA-256, media type, licence)
    void.ttl              VoID: statistics, class and property partitions, dumps, endpoint
    service.ttl           SPARQL 1.1 service description of the endpoint
    provenance.ttl        PROV record of this release and of the study builds: THE ONLY FILE WITH TIMES
    SHA256SUMS            ``sha256sum -c`` list of every file except itself and provenance.ttl
    .htaccess             content negotiation for the w3id.org/icgp/ redirect
    ontology/icgp.{ttl,owl,jsonld,nt,html}, ontology/alignments.{...}, ontology/context.jsonld
    vocab/{scheme}.{ttl,rdf,jsonld,nt,html}
    data/{name}.{ttl,nq,jsonld}   one set per data graph (quotes and answers only where public)
    id/index.html, id/style.css, id/{study}/{kind}/{local-id}.{html,ttl,jsonld,nt}
                          a page and the RDF of every released instance IRI (``kg.publish.site``)

Determinism: every RDF file is written by ``kg.build.serialize`` (canonical blank nodes, sorted
statements), the HTML by ``kg.publish.docs_html`` (sorted), and the metadata carry no dates. The build
times that a study graph carries (``prov:startedAtTime``/``prov:endedAtTime`` of its build activity) are
moved out of the data files into ``provenance.ttl``, together with the release time. So two releases of
the same input differ in ``provenance.ttl`` alone; ``SHA256SUMS`` leaves that file out and
``provenance.ttl`` records the SHA-256 of ``SHA256SUMS``, which ties the dated record to the exact
content it describes."""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from kg import __version__
from kg.assess.rdf import assessment_quads
from kg.assess.stored import assess_store
from kg.build.builder import build_timestamp
from kg.build.serialize import (
    merged_quads,
    node_value,
    select,
    serialize_quads,
    serialize_sorted,
    sorted_quads,
)
from kg.build.sources import open_source, select_quads
from kg.build.store import ONTOLOGY_GRAPH, STAGING_PREFIX
from kg.build.study import BuildProgress
from kg.errors import InputError
from kg.files import FileStamp, file_stamp, write_failure
from kg.ontology import resources
from kg.ontology.iso3166 import REGIONS_GRAPH, document_header
from kg.ontology.loading import parse_rdf
from kg.ontology.namespaces import BIBO, DCAT, DCTERMS, FOAF, ICGP, PROV, RDF, RDFS, SCHEMA, VOCAB_BASE, XSD
from kg.package.schemas import TABLES
from kg.publish.describe import (
    Distribution,
    Part,
    ReleaseInfo,
    catalog_quads,
    service_quads,
    statistics,
    void_quads,
)
from kg.publish.diff import diff_quads, load_quads, render_initial, render_markdown, to_quads
from kg.publish.docs_html import labels_from, ontology_html, vocabulary_html
from kg.publish.entity_pages import Site
from kg.publish.graph_store import check_endpoint
from kg.publish.privacy import Policy, PrivacyError, guard, person_classes, recorded_policy, strip_private
from kg.publish.release_pages import (
    CHECKSUMS_FILE,
    LOGO_FILE,
    PROVENANCE_FILE,
    htaccess,
    index_html,
    readme,
)
from kg.publish.report.write import release_pages
from kg.publish.site import write_site
from kg.query.run import StoreTarget

RELEASE_BASE = "https://w3id.org/icgp/releases/"
DEFAULT_FILES_URL = "https://example.org/icgp/releases/"
DEFAULT_ENDPOINT = "http://127.0.0.1:7878/sparql"
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
LOGO_IRI = "https://w3id.org/icgp/logo.svg"
_TYPE = str(RDF.type)
_VOLATILE = {str(PROV.startedAtTime), str(PROV.endedAtTime), str(PROV.generatedAtTime)}
_ONTOLOGY_FORMATS = (("ttl", "ttl"), ("owl", "xml"), ("jsonld", "jsonld"), ("nt", "nt"))
_VOCAB_FORMATS = (("ttl", "ttl"), ("rdf", "xml"), ("jsonld", "jsonld"), ("nt", "nt"))
_DATA_FORMATS = (("ttl", "ttl"), ("nq", "nq"), ("jsonld", "jsonld"))
_XSD_DATETIME = NamedNode(str(XSD.dateTime))
_OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"


@dataclass
class ReleaseReport:
    """What a release wrote and what it left out."""

    folder: Path
    files: list[str] = field(default_factory=list)
    stripped_quotes: int = 0
    stripped_responses: int = 0
    notes: list[str] = field(default_factory=list)


def _volatile(quad: Quad, dated: set[NamedNode] | None = None) -> bool:
    """Build times: the only statements of a study graph that change between two builds.

    The subjects in ``dated`` (maturity and growth-pole assessments, whose prov:generatedAtTime is when
    the assessment was made) keep their times: those are data, and their shapes require them.
    """
    if dated and quad.subject in dated:
        return False
    return quad.predicate.value in _VOLATILE and isinstance(quad.object, Literal)


def _dated(quads: Sequence[Quad]) -> set[NamedNode]:
    """The assessments among ``quads``: their generation time is the assessment's date."""
    assessments = {NamedNode(str(ICGP.MaturityAssessment)), NamedNode(str(ICGP.GrowthPoleAssessment))}
    return {
        q.subject
        for q in quads
        if q.predicate.value == _TYPE and q.object in assessments and isinstance(q.subject, NamedNode)
    }


_SHA256 = str(ICGP.sha256)
_QB_DATASET = "http://purl.org/linked-data/cube#dataSet"
# Package files (by table name) whose rows a release leaves out unless the descriptor makes them public.
_QUOTE_TABLES = frozenset({"segments"})
_RESPONSE_TABLES = frozenset({"survey_responses"})
_CONTACT_TABLES = frozenset({"organisations"})
_CONTACT_POINT = str(SCHEMA.ContactPoint)


def _without_private_checksums(kept: Sequence[Quad], original: Sequence[Quad], policy: Policy) -> list[Quad]:
    """``kept`` less the SHA-256 of every source file whose content the policy keeps private.

    A checksum of a small private file (a few coded quotes, one respondent's answers) can be confirmed
    by guessing the file. Hashes are dropped from the build's record of package files (the quote and
    answer tables, and ``imports/``, which may hold either; the organisations table when it holds
    contacts), a QDA project (quotes) and a survey import's answers (responses), each when the policy
    keeps that content private.
    ``original`` is the graph before stripping, which still says which data set the answers belonged to.
    """
    private_files: set[str] = set()
    if not policy.public_quotes:
        private_files |= _QUOTE_TABLES
    if not policy.public_responses:
        private_files |= _RESPONSE_TABLES
    if not policy.public_contacts and any(
        q.predicate.value == _TYPE and node_value(q.object) == _CONTACT_POINT for q in original
    ):
        # The organisations table then holds contact e-mails the release leaves out.
        private_files |= _CONTACT_TABLES
    if not private_files:
        return list(kept)
    label_iri = str(RDFS.label)
    labels = {node_value(q.subject): node_value(q.object) for q in original if q.predicate.value == label_iri}
    types = {(node_value(q.subject), node_value(q.object)) for q in original if q.predicate.value == _TYPE}
    responses = {s for s, t in types if t == str(ICGP.SurveyResponse)}
    answer_sets = {
        node_value(q.object)
        for q in original
        if q.predicate.value == _QB_DATASET and node_value(q.subject) in responses
    }

    # A descriptor may give any table any file name (quotes.csv for segments), so a package file keeps
    # its hash only when it is the descriptor or has the name of a table whose rows are all released.
    public_tables = set(TABLES) - private_files

    def private(subject: str) -> bool:
        label = labels.get(subject, "")
        if (
            (subject, str(PROV.Entity)) in types
            and label != "datapackage.yaml"
            and (
                Path(label).stem not in public_tables
                or label.startswith("imports/")  # imports may hold either
            )
        ):
            return True
        if not policy.public_quotes and (subject, str(ICGP.QdaProject)) in types:
            return True
        return not policy.public_responses and subject in answer_sets

    return [q for q in kept if not (q.predicate.value == _SHA256 and private(node_value(q.subject)))]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "graph"


def _data_name(graph: str) -> str:
    """File name of a data graph: the study id for ``{base}{study}/graph``, ``{study}-assessment`` for its
    assessments' graph ``{base}{study}/assessment/graph``, else a slug of the IRI."""
    if graph.endswith("/assessment/graph"):
        return _slug(graph[: -len("/assessment/graph")].rstrip("/").rsplit("/", 1)[-1]) + "-assessment"
    if graph.endswith("/graph"):
        return _slug(graph[: -len("/graph")].rstrip("/").rsplit("/", 1)[-1])
    return _slug(graph.split("://", 1)[-1])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Bundle:
    """Files of the release being written into a temporary folder, with their sizes and checksums."""

    def __init__(self, root: Path, out: Path, progress: BuildProgress | None = None) -> None:
        self.root = root
        self.out = out  # where the bundle will be: what messages name, not the staging folder
        self.progress = progress
        self.files: dict[str, bytes] = {}
        self.dists: dict[str, Distribution] = {}
        self._folders: set[Path] = set()  # made already: an entity page's folder holds dozens of files

    def write(self, path: str, data: bytes) -> Distribution:
        target = self.root / path
        try:
            if target.parent not in self._folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
            target.write_bytes(data)
        except OSError as exc:  # a full disk mid-release: the caller removes the staging folder
            raise InputError(write_failure(self.out / path, exc)) from exc
        self.files[path] = data
        if self.progress is not None:
            self.progress("writing", len(self.files))
        fmt = path.rsplit(".", 1)[-1]
        fmt = {"owl": "xml", "rdf": "xml"}.get(fmt, fmt)
        self.dists[path] = Distribution(path, fmt, len(data), _sha256(data))
        return self.dists[path]

    def text(self, path: str, text: str) -> Distribution:
        return self.write(path, text.encode("utf-8"))


# The ontology and vocabularies are the same in every release a process makes (tests make dozens), so
# their serialisations and pages are computed once. The keys hold the file's stamp, not its quads: a file
# parsed again gets new blank node labels, and its quads would never match the cached ones. The cache must
# hold every file in every format of one release (26 files, 4 or 5 formats each): a release asks for them
# in the same order each time, so a smaller LRU cache would have evicted each entry before its next use.
@functools.lru_cache(maxsize=512)
def _serialised_resource(file: FileStamp, header: tuple[Quad, ...], fmt: str) -> bytes:
    return serialize_sorted(_sorted_resource(file, header), fmt)


# Sorted once for all the formats of a file (RDFC-1.0 relabels the blank nodes of an OWL file each time).
@functools.lru_cache(maxsize=8)
def _sorted_resource(file: FileStamp, header: tuple[Quad, ...]) -> tuple[Quad, ...]:
    return tuple(merged_quads([*_turtle_quads(Path(file[0])), *header]))


@functools.lru_cache(maxsize=4)
def _labels(sources: tuple[FileStamp, ...]) -> dict[str, str]:
    return labels_from(Path(stamp[0]) for stamp in sources)


@functools.lru_cache(maxsize=8)
def _ontology_page(
    file: FileStamp, downloads: tuple[tuple[str, str], ...], sources: tuple[FileStamp, ...]
) -> str:
    return ontology_html(Path(file[0]), dict(downloads), _labels(sources))


@functools.lru_cache(maxsize=128)
def _vocabulary_page(
    file: FileStamp, downloads: tuple[tuple[str, str], ...], sources: tuple[FileStamp, ...]
) -> str:
    return vocabulary_html(Path(file[0]), dict(downloads), _labels(sources))


def _turtle_quads(path: Path) -> list[Quad]:
    return [Quad(t.subject, t.predicate, t.object) for t in parse(path=str(path), format=RdfFormat.TURTLE)]


def _literal(quads: Sequence[Quad], subject: str, predicate: str) -> str | None:
    values = sorted(
        q.object.value
        for q in quads
        if node_value(q.subject) == subject
        and q.predicate.value == predicate
        and isinstance(q.object, Literal)
    )
    return values[0] if values else None


def _check_out(source: Path | None, out: Path, force: bool) -> None:
    """Refuse an output folder that would overwrite the source, a file or a symlink."""
    if out.is_symlink():
        raise InputError(f"{out} is a symbolic link; give the release a folder of its own, not a link")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; --force replaces only a folder: choose a folder for the release")
    if out.exists() and any(out.iterdir()) and not force:
        raise InputError(f"{out} exists and is not empty; choose a new folder or pass --force to replace it")
    src = (source if source is not None else resources.sample_study_dir()).resolve()
    dst = out.resolve()
    if dst == src or dst in src.parents or src in dst.parents:
        where = "is" if dst == src else "contains" if dst in src.parents else "lies inside"
        raise InputError(
            f"{out} {where} the source {source or src}; the release would overwrite or change it: "
            "write the release to a folder outside the source"
        )


def make_release(
    source: Path | None,
    out: Path,
    version: str,
    *,
    previous: Path | None = None,
    files_url: str = DEFAULT_FILES_URL,
    endpoint: str = DEFAULT_ENDPOINT,
    force: bool = False,
    doi: str | None = None,
    assess: bool = False,
    progress: BuildProgress | None = None,
) -> ReleaseReport:
    """Write the release bundle of ``source`` (study package or store folder) into ``out``.

    ``progress`` is told the step ("reading", "writing") and the files written so far.

    The released ontology's header also names the release catalog, the logo in the bundle and, when
    given, the DOI minted for this release (a bare ``10.xxxx/...`` name).

    Raises ``InputError`` for bad arguments and ``kg.publish.privacy.PrivacyError`` when a public graph would
    carry personal data; in both cases nothing is written. With ``assess``, the growth-pole assessment of
    every cluster (ICGP's model, each study's period) is released beside the data, in its own graph."""
    if not _VERSION.match(version):
        raise InputError(f"version {version!r} is not of the form X.Y.Z (for example 1.0.0)")
    if doi is not None and not _DOI.match(doi):
        raise InputError(
            f"DOI {doi!r} is not a DOI name such as 10.5281/zenodo.1234567 (leave out https://doi.org/)"
        )
    # Both URLs are written into .htaccess, VoID and DCAT: refuse javascript:, spaces and the like now.
    check_endpoint(files_url, "--files-url")
    check_endpoint(endpoint, "--endpoint")
    _check_out(source, out, force)
    if not files_url.endswith("/"):
        files_url += "/"
    if progress is not None:
        progress("reading", 0)
    opened = open_source(source)
    if assess:
        if opened.kind == "store":
            # A store is opened read-only: it releases what 'icgp build --assess' stored in it.
            raise InputError(
                "--assess applies to a study package; for a store, build it with 'icgp build --assess'"
            )
        run = assess_store(opened.store)
        opened.store.extend(assessment_quads(run))
    report = ReleaseReport(out)
    # A package's descriptor says what may be published; a store has the flags the build recorded.
    given: Policy | None = None
    if opened.built is not None:
        descriptor = opened.built.checked.descriptor
        given = Policy(
            descriptor.public_quotes, descriptor.public_responses, public_contacts=descriptor.public_contacts
        )
    policies: list[Policy] = []

    # Data graphs: everything in the store except the ontology and vocabulary graphs.
    ontology_graphs = {ONTOLOGY_GRAPH.value} | {VOCAB_BASE + p.stem for p in resources.vocabulary_files()}
    data: dict[str, list[Quad]] = {}
    moved: list[Quad] = []
    classes = person_classes(opened.store)
    refused: list[PrivacyError] = []
    for graph in opened.graphs():
        # Staging graphs are what an interrupted build left behind, not a study.
        if graph in ontology_graphs or graph.startswith(STAGING_PREFIX):
            continue
        quads = select_quads(opened.store, [graph])
        if graph == REGIONS_GRAPH:
            # Region concepts and links: no study data, so no privacy flags to read or personal data to strip.
            data[graph] = quads
            continue
        dated = _dated(quads)
        moved += [q for q in quads if _volatile(q, dated)]
        policy = given or recorded_policy(quads)
        if policy is None:
            policy = Policy()
            report.notes.append(
                f"graph <{graph}> records no privacy flags: its quotes and survey answers are left out"
            )
        policies.append(policy)
        stripped = strip_private([q for q in quads if not _volatile(q, dated)], policy)
        report.stripped_quotes += stripped.quotes
        report.stripped_responses += stripped.responses
        report.notes += stripped.notes()
        kept = _without_private_checksums(stripped.quads, quads, policy)
        try:
            guard(kept, classes, policy.public_contacts)
        except PrivacyError as exc:  # collect the findings of every graph before refusing
            refused.append(exc)
            continue
        data[graph] = kept
    if refused:
        raise PrivacyError([finding for error in refused for finding in error.findings])
    policy = Policy(
        all(p.public_quotes for p in policies) if policies else False,
        all(p.public_responses for p in policies) if policies else False,
        public_contacts=all(p.public_contacts for p in policies) if policies else False,
    )

    release_iri = f"{RELEASE_BASE}{version}"
    files_root, files_url = files_url, f"{files_url}{version}/"
    out_parent = out.resolve().parent
    if not out_parent.is_dir():
        raise InputError(
            f"cannot write the release to {out}: the folder {out_parent} does not exist; create it first"
        )
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out_parent))
    except OSError as exc:
        raise InputError(f"cannot write the release to {out}: {exc.strerror or exc}") from exc
    try:
        bundle = _Bundle(staging, out, progress)
        parts, released = _write_rdf(bundle, data, doi)
        info = ReleaseInfo(
            iri=release_iri,
            version=version,
            title=f"ICGP release {version}",
            description=(
                "The ICGP ontology, its SKOS vocabularies and the knowledge graph of "
                + (", ".join(_data_name(g) for g in data) or "no study")
                + ", with documentation, VoID/DCAT descriptions and checksums."
            ),
            files_url=files_url,
            endpoint=endpoint,
            licence=DEFAULT_LICENCE,
            publisher="https://w3id.org/icgp/team",
        )
        _write_changelog(bundle, version, previous, released)
        # The growth-pole report of the released data, undated: a release keeps times in provenance.ttl.
        pages, no_report = release_pages(StoreTarget(opened.store, "the released data"))
        for path, page in pages.items():
            bundle.text(path, page)
        if no_report:
            report.notes.append(no_report)
        # The entity pages, from what is released (stripped and guarded) and nothing else.
        site_files = write_site(Site(released, reports=pages), bundle.write)
        bundle.text(".htaccess", htaccess(files_root, version))
        bundle.text(
            "README.md",
            readme(version, parts, policy, files_url, (report.stripped_quotes, report.stripped_responses)),
        )
        bundle.text("index.html", index_html(info, parts, list(pages), site_files[0]))
        extra = [
            bundle.dists[path]
            for path in ("CHANGELOG.md", "README.md", "changes.ttl", "index.html", *pages, site_files[0])
            if path in bundle.dists
        ]
        graphs = [(p.graph, p.iri) for p in parts if p.graph]
        bundle.write("service.ttl", serialize_quads(service_quads(endpoint, graphs, release_iri), "ttl"))
        bundle.write("void.ttl", serialize_quads(void_quads(info, parts), "ttl"))
        bundle.write("catalog.ttl", serialize_quads(catalog_quads(info, parts, extra), "ttl"))
        sums = "".join(f"{_sha256(bundle.files[p])}  {p}\n" for p in sorted(bundle.files))
        bundle.text(CHECKSUMS_FILE, sums)
        bundle.write(PROVENANCE_FILE, serialize_quads(_provenance(info, parts, moved, sums), "ttl"))
        report.files = sorted(bundle.files)
        try:
            if out.exists():
                shutil.rmtree(out)
            staging.chmod(0o755)  # mkdtemp makes it private; a release is meant to be read by others
            staging.rename(out)
        except OSError as exc:
            raise InputError(f"cannot replace {out} with the release: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if files_url.startswith(DEFAULT_FILES_URL):
        report.notes.append(
            f"download links and .htaccess point to the placeholder {DEFAULT_FILES_URL}; "
            "pass --files-url with the address where the bundle will be hosted"
        )
    return report


def _release_header(ontology: str, doi: str | None) -> list[Quad]:
    """Header statements only a release can make: the catalog of releases, the logo and the DOI.

    The catalog and logo IRIs stay the same from release to release (the .htaccess sends the logo to
    the current bundle), so that they never show up in a changelog."""
    quads = [
        Quad(NamedNode(ontology), NamedNode(str(SCHEMA.includedInDataCatalog)), NamedNode(RELEASE_BASE)),
        Quad(NamedNode(ontology), NamedNode(str(FOAF.logo)), NamedNode(LOGO_IRI)),
    ]
    if doi is not None:
        quads.append(Quad(NamedNode(ontology), NamedNode(str(BIBO.doi)), Literal(doi)))
    return quads


def _write_rdf(
    bundle: _Bundle, data: dict[str, list[Quad]], doi: str | None
) -> tuple[list[Part], list[Quad]]:
    """Ontology, vocabularies and data in every format, with their documentation; the parts described."""
    parts: list[Part] = []
    released: list[Quad] = []
    sources = [resources.ontology_file(), resources.alignments_file(), *resources.vocabulary_files()]
    labels = tuple(file_stamp(p) for p in sources)
    for path, key in ((resources.ontology_file(), "icgp"), (resources.alignments_file(), "alignments")):
        quads = _turtle_quads(path)
        subject = next(node_value(q.subject) for q in quads if q.object == NamedNode(str(_OWL_ONTOLOGY)))
        header = tuple(_release_header(subject, doi)) if key == "icgp" else ()
        quads += header
        released += [Quad(q.subject, q.predicate, q.object, ONTOLOGY_GRAPH) for q in quads]
        downloads = {name.upper(): f"{key}.{suffix}" for suffix, name in _ONTOLOGY_FORMATS}
        dists = [
            bundle.write(f"ontology/{key}.{suffix}", _serialised_resource(file_stamp(path), header, fmt))
            for suffix, fmt in _ONTOLOGY_FORMATS
        ]
        dists.append(
            bundle.text(
                f"ontology/{key}.html", _ontology_page(file_stamp(path), tuple(downloads.items()), labels)
            )
        )
        parts.append(
            _part(
                key if key != "icgp" else "ontology",
                subject,
                "ontology",
                quads,
                dists,
                graph=ONTOLOGY_GRAPH.value if key == "icgp" else None,
            )
        )
    context = resources.resource_dir("ontology") / "context.jsonld"
    parts[0].distributions.append(bundle.write("ontology/context.jsonld", context.read_bytes()))
    logo = resources.resource_dir("ontology") / "logo.svg"
    parts[0].distributions.append(bundle.write(LOGO_FILE, logo.read_bytes()))
    for path in resources.vocabulary_files():
        scheme = path.stem
        quads = _turtle_quads(path)
        graph = VOCAB_BASE + scheme
        released += [Quad(q.subject, q.predicate, q.object, NamedNode(graph)) for q in quads]
        downloads = {name.upper(): f"{scheme}.{suffix}" for suffix, name in _VOCAB_FORMATS}
        dists = [
            bundle.write(f"vocab/{scheme}.{suffix}", _serialised_resource(file_stamp(path), (), fmt))
            for suffix, fmt in _VOCAB_FORMATS
        ]
        dists.append(
            bundle.text(
                f"vocab/{scheme}.html", _vocabulary_page(file_stamp(path), tuple(downloads.items()), labels)
            )
        )
        parts.append(_part(f"vocab-{scheme}", graph, "vocabulary", quads, dists, graph=graph))
    for graph, quads in data.items():
        if graph == REGIONS_GRAPH:
            # The ISO 3166 regions the released studies use: a vocabulary document, though made for this data.
            quads = [*quads, *document_header()]
            released += quads
            merged = merged_quads(quads)
            dists = [
                bundle.write(f"vocab/iso3166.{suffix}", serialize_sorted(merged, fmt))
                for suffix, fmt in _VOCAB_FORMATS
            ]
            title = _literal(quads, graph, str(DCTERMS.title)) or "ISO 3166 regions"
            description = _literal(quads, graph, str(DCTERMS.description)) or title
            parts.append(
                _part(
                    "vocab-iso3166",
                    graph,
                    "vocabulary",
                    quads,
                    dists,
                    graph=graph,
                    title=title,
                    description=description,
                )
            )
            continue
        name = _data_name(graph)
        released += quads
        ordered = {"ttl": merged_quads(quads), "nq": sorted_quads(quads)}
        ordered["jsonld"] = ordered["nq"]
        dists = [
            bundle.write(f"data/{name}.{suffix}", serialize_sorted(ordered[fmt], fmt))
            for suffix, fmt in _DATA_FORMATS
        ]
        datasets = sorted(
            {
                node_value(q.subject)
                for q in quads
                if q.predicate.value == _TYPE and q.object == NamedNode(str(DCAT.Dataset))
            }
        )
        iri = datasets[0] if len(datasets) == 1 else graph
        title = _literal(quads, iri, str(DCTERMS.title)) or f"Data graph {graph}"
        description = (
            _literal(quads, iri, str(DCTERMS.description)) or f"The statements of the graph <{graph}>."
        )
        part = _part(
            f"data-{name}", iri, "data", quads, dists, graph=graph, title=title, description=description
        )
        part.uri_space = graph[: -len("graph")] if graph.endswith("/graph") else None
        licences = sorted(
            q.object.value
            for q in quads
            if node_value(q.subject) == iri
            and q.predicate.value == str(DCTERMS.license)
            and isinstance(q.object, NamedNode)
        )
        part.licence = licences[0] if licences else DEFAULT_LICENCE
        parts.append(part)
    return parts, released


def _part(
    key: str,
    iri: str,
    kind: str,
    quads: list[Quad],
    dists: list[Distribution],
    *,
    graph: str | None = None,
    title: str | None = None,
    description: str | None = None,
) -> Part:
    return Part(
        key=key,
        iri=iri,
        title=title or _literal(quads, iri, str(DCTERMS.title)) or iri,
        description=description or _literal(quads, iri, str(DCTERMS.description)) or "",
        kind=kind,
        stats=statistics(quads),
        graph=graph,
        distributions=dists,
        licence=DEFAULT_LICENCE if kind != "data" else None,
    )


def _write_changelog(bundle: _Bundle, version: str, previous: Path | None, released: list[Quad]) -> None:
    if previous is None:
        body = render_initial(released, title=f"{version} (initial release)")
    else:
        since = _previous_version(previous)
        diff = diff_quads(load_quads(previous), released, since, version)
        body = render_markdown(diff, title=f"{version} (changes since {since})")
        bundle.write(
            "changes.ttl", serialize_quads(to_quads(diff, f"{RELEASE_BASE}{version}/changes#"), "ttl")
        )
    text = "# Changelog\n\nEntries are made by `icgp diff`; the release date is in provenance.ttl.\n\n" + body
    bundle.text("CHANGELOG.md", text)


def _previous_version(previous: Path) -> str:
    """The version a previous release states in its DCAT catalog; the path's name for anything else."""
    catalog = previous / "catalog.ttl"
    if previous.is_dir() and catalog.is_file():
        query = f"SELECT ?v WHERE {{ ?c a <{DCAT.Catalog}> ; <{DCAT}version> ?v }}"
        store = Store()
        try:
            store.extend(parse_rdf(catalog, RdfFormat.TURTLE))
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(f"{catalog} cannot be read: {exc}") from exc
        versions = sorted(node_value(s["v"]) for s in select(store, query))
        if versions:
            return versions[0]
    return previous.name


def _provenance(info: ReleaseInfo, parts: Sequence[Part], moved: Sequence[Quad], sums: str) -> list[Quad]:
    """PROV record of this release, with the build times moved out of the data graphs."""
    now = build_timestamp()
    stamp = Literal(now.isoformat().replace("+00:00", "Z"), datatype=_XSD_DATETIME)
    quads: list[Quad] = [Quad(q.subject, q.predicate, q.object) for q in moved]

    def add(s: str, p: str, o: NamedNode | Literal | str) -> None:
        quads.append(Quad(NamedNode(s), NamedNode(p), NamedNode(o) if isinstance(o, str) else o))

    activity = f"{info.iri}#release-activity"
    agent = f"https://w3id.org/icgp/id/agent/icgp/{__version__}"
    checksums = f"{info.iri}#file-{CHECKSUMS_FILE}"
    add(info.iri, _TYPE, str(PROV.Entity))
    # Midnight of the release day: OWL 2 has no xsd:date, and the builder writes dates the same way.
    issued = Literal(f"{now.date().isoformat()}T00:00:00", datatype=_XSD_DATETIME)
    add(info.iri, str(DCTERMS.issued), issued)
    add(info.iri, str(PROV.generatedAtTime), stamp)
    add(info.iri, str(PROV.wasGeneratedBy), activity)
    add(activity, _TYPE, str(PROV.Activity))
    add(activity, str(RDFS.label), Literal(f"icgp release {info.version}", language="en"))
    add(activity, str(PROV.startedAtTime), stamp)
    add(activity, str(PROV.endedAtTime), stamp)
    add(activity, str(PROV.wasAssociatedWith), agent)
    add(agent, _TYPE, str(PROV.SoftwareAgent))
    add(agent, str(RDFS.label), Literal(f"icgp {__version__}"))
    add(agent, str(SCHEMA.softwareVersion), Literal(__version__))
    for part in parts:
        add(activity, str(PROV.generated), part.iri)
        add(part.iri, str(PROV.wasGeneratedBy), activity)
    add(checksums, _TYPE, str(PROV.Entity))
    add(checksums, str(RDFS.label), Literal(CHECKSUMS_FILE))
    add(checksums, str(ICGP.sha256), Literal(_sha256(sums.encode("utf-8"))))
    add(checksums, str(PROV.wasGeneratedBy), activity)
    return quads


__all__ = ["DEFAULT_ENDPOINT", "DEFAULT_FILES_URL", "ReleaseReport", "make_release"]
