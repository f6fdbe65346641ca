"""Entity-level differences between two releases, stores, study packages or RDF files.

An entity is an IRI subject (an ontology term, a concept, an organisation...) with everything said about
it across all graphs. Blank nodes are not entities of their own: an OWL restriction or an RDF list hanging
off a term is compared as part of that term, written out as a canonical text, so two files with the
same axioms but other blank-node labels do not differ. Blank nodes that hang off nothing
(``owl:AllDisjointClasses`` axioms) are compared by that canonical text alone.

The record of each build (times, the software agent, the checksums of the input files) is left out: it
changes with every build and is not a change of the data.

The change set renders as Markdown (release notes) and as RDF with the Changeset vocabulary
(``http://purl.org/vocab/changeset/schema#``): one ``cs:ChangeSet`` per entity, its ``cs:subjectOfChange``,
``cs:changeReason`` ("added", "removed" or "changed") and reified ``cs:addition`` / ``cs:removal``
statements. A blank-node value is given there as a literal holding its canonical text.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store

from kg.build.serialize import FORMATS, SUFFIXES, node_value
from kg.build.sources import is_package, is_store_folder, open_source, select_quads
from kg.errors import InputError
from kg.ontology.loading import parse_rdf
from kg.ontology.namespaces import DCTERMS, ICGP, PREFIXES, PROV, RDF, RDFS, SKOS

CS = "http://purl.org/vocab/changeset/schema#"
DEFAULT_DIFF_BASE = "https://w3id.org/icgp/changes/"
_TYPE = str(RDF.type)
_LABELS = (str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title))
_BUILD = str(ICGP.BuildActivity)


@dataclass(frozen=True)
class Value:
    """One object value: its canonical text (N-Triples, or bracketed text for a blank-node structure)."""

    text: str
    term: NamedNode | Literal | None = None  # None for a blank-node structure


@dataclass(frozen=True)
class Change:
    """One property of a changed entity: the values it lost and the values it gained."""

    predicate: str
    removed: tuple[Value, ...]
    added: tuple[Value, ...]


@dataclass(frozen=True)
class EntityDiff:
    """One entity that was added, removed or changed."""

    key: str  # the IRI, or the canonical text of an anonymous axiom
    status: str  # "added", "removed" or "changed"
    classes: tuple[str, ...]
    label: str | None
    changes: tuple[Change, ...]

    @property
    def anonymous(self) -> bool:
        """True for an axiom without an IRI (a blank node that hangs off nothing)."""
        return self.key.startswith("[")


@dataclass
class Diff:
    """All entity differences between an old and a new graph, sorted by status then key."""

    old: str
    new: str
    entities: list[EntityDiff] = field(default_factory=list)

    def by_status(self, status: str) -> list[EntityDiff]:
        """The entities with one status."""
        return [e for e in self.entities if e.status == status]

    def counts(self) -> dict[str, dict[str, int]]:
        """Number of added, removed and changed entities per class (``(none)`` for untyped ones)."""
        table: dict[str, dict[str, int]] = defaultdict(lambda: {"added": 0, "removed": 0, "changed": 0})
        for entity in self.entities:
            for cls in entity.classes or ("(none)",):
                table[cls][entity.status] += 1
        return dict(sorted(table.items()))


# --------------------------------------------------------------------------------------------------
# Loading


def load_quads(path: Path) -> list[Quad]:
    """All quads of a release folder, a store folder, a study package or an RDF file."""
    if is_store_folder(path) or is_package(path):
        return select_quads(open_source(path).store)
    if path.is_dir() and (path / "SHA256SUMS").is_file():
        files = sorted(path.glob("ontology/*.ttl")) + sorted(path.glob("vocab/*.ttl"))
        files += sorted(path.glob("data/*.nq"))
        if not files:
            raise InputError(f"the release folder {path} holds no ontology/, vocab/ or data/ files")
        return [q for file in files for q in _parse_file(file)]
    if path.is_file() and path.suffix.lower() in SUFFIXES:
        return _parse_file(path)
    raise InputError(
        f"{path} is not a release folder, a store folder, a study package or an RDF file "
        f"({', '.join(sorted(SUFFIXES))})"
    )


def _parse_file(path: Path) -> list[Quad]:
    rdf_format: RdfFormat = FORMATS[SUFFIXES[path.suffix.lower()]]
    try:
        return parse_rdf(path, rdf_format)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def without_build_records(quads: Iterable[Quad]) -> list[Quad]:
    """Drop the record of each build: the build activity (with its times), what it used, its agent."""
    quads = list(quads)
    builds = {
        node_value(q.subject)
        for q in quads
        if q.predicate.value == _TYPE and isinstance(q.object, NamedNode) and q.object.value == _BUILD
    }
    records = set(builds)
    for q in quads:
        if node_value(q.subject) in builds and isinstance(q.object, NamedNode) and q.predicate.value != _TYPE:
            records.add(q.object.value)
    return [q for q in quads if node_value(q.subject) not in records]


# --------------------------------------------------------------------------------------------------
# Entities


class _Index:
    """Subject -> predicate -> set of values, with blank-node structures turned into canonical text."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self.out: dict[object, dict[str, set[object]]] = defaultdict(lambda: defaultdict(set))
        referenced: set[object] = set()
        for q in quads:
            self.out[q.subject][q.predicate.value].add(q.object)
            if isinstance(q.object, BlankNode):
                referenced.add(q.object)
        self._text: dict[object, str] = {}
        self.entities: dict[str, dict[str, set[Value]]] = {}
        for subject in self.out:
            if isinstance(subject, NamedNode):
                self.entities[subject.value] = self._properties(subject)
            elif subject not in referenced:
                self.entities[self._describe(subject, frozenset())] = self._properties(subject)

    def _value(self, term: object, seen: frozenset[object]) -> Value:
        if isinstance(term, BlankNode):
            return Value(self._describe(term, seen))
        assert isinstance(term, NamedNode | Literal)
        return Value(str(term), term)

    def _describe(self, node: object, seen: frozenset[object]) -> str:
        if node in self._text:
            return self._text[node]
        if node in seen:
            return "[cycle]"
        inner = seen | {node}
        parts = sorted(
            f"{_short(p)} {self._value(o, inner).text}"
            for p, values in self.out.get(node, {}).items()
            for o in values
        )
        text = "[ " + " ; ".join(parts) + " ]" if parts else "[]"
        self._text[node] = text
        return text

    def describe(self, node: object) -> str:
        """The canonical text of the blank node ``node`` (the key of an anonymous entity)."""
        return self._describe(node, frozenset())

    def _properties(self, subject: object) -> dict[str, set[Value]]:
        return {
            p: {self._value(o, frozenset({subject})) for o in values}
            for p, values in self.out[subject].items()
        }


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _classes(properties: dict[str, set[Value]]) -> tuple[str, ...]:
    return tuple(sorted(v.term.value for v in properties.get(_TYPE, ()) if isinstance(v.term, NamedNode)))


def _label(properties: dict[str, set[Value]]) -> str | None:
    for predicate in _LABELS:
        labels = sorted(v.term.value for v in properties.get(predicate, ()) if isinstance(v.term, Literal))
        if labels:
            return labels[0]
    return None


def diff_quads(
    old: Sequence[Quad], new: Sequence[Quad], old_name: str = "old", new_name: str = "new"
) -> Diff:
    """Compare two sets of quads entity by entity (graph names are ignored; build records left out)."""
    before = _Index(without_build_records(old)).entities
    after = _Index(without_build_records(new)).entities
    entities: list[EntityDiff] = []
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            props = after[key]
            entities.append(EntityDiff(key, "added", _classes(props), _label(props), _changes({}, props)))
        elif key not in after:
            props = before[key]
            entities.append(EntityDiff(key, "removed", _classes(props), _label(props), _changes(props, {})))
        else:
            changes = _changes(before[key], after[key])
            if changes:
                props = after[key]
                entities.append(EntityDiff(key, "changed", _classes(props), _label(props), changes))
    order = {"added": 0, "removed": 1, "changed": 2}
    entities.sort(key=lambda e: (order[e.status], e.key))
    return Diff(old_name, new_name, entities)


def _changes(old: dict[str, set[Value]], new: dict[str, set[Value]]) -> tuple[Change, ...]:
    changes = []
    for predicate in sorted(old.keys() | new.keys()):
        removed = old.get(predicate, set()) - new.get(predicate, set())
        added = new.get(predicate, set()) - old.get(predicate, set())
        if removed or added:
            changes.append(Change(predicate, _sorted(removed), _sorted(added)))
    return tuple(changes)


def _sorted(values: set[Value]) -> tuple[Value, ...]:
    return tuple(sorted(values, key=lambda v: v.text))


def diff_paths(old: Path, new: Path) -> Diff:
    """Compare two releases, stores, packages or RDF files (see ``load_quads``)."""
    return diff_quads(load_quads(old), load_quads(new), str(old), str(new))


# --------------------------------------------------------------------------------------------------
# Rendering


def _display(entity: EntityDiff) -> str:
    name = entity.key if entity.anonymous else _short(entity.key)
    return f"`{name}`" + (f" ({entity.label})" if entity.label else "")


def _cell(values: Sequence[Value]) -> str:
    if not values:
        return ""
    return "<br>".join(f"`{_cell_text(v)}`" for v in values)


def _cell_text(value: Value) -> str:
    text = _short(value.term.value) if isinstance(value.term, NamedNode) else value.text
    return text.replace("|", "\\|").replace("`", "'")


def render_markdown(diff: Diff, *, title: str | None = None, details: bool = True) -> str:
    """The change set as Markdown: counts per class, then the added, removed and changed entities."""
    added, removed, changed = (diff.by_status(s) for s in ("added", "removed", "changed"))
    lines = [f"## {title or f'Changes from {diff.old} to {diff.new}'}", ""]
    if not diff.entities:
        return "\n".join([*lines, "No entity was added, removed or changed.", ""])
    lines += [
        f"{len(added)} added, {len(removed)} removed, {len(changed)} changed "
        "(build times and input checksums are not compared).",
        "",
        "| class | added | removed | changed |",
        "|---|---:|---:|---:|",
    ]
    for cls, row in diff.counts().items():
        name = cls if cls == "(none)" else _short(cls)
        lines.append(f"| `{name}` | {row['added']} | {row['removed']} | {row['changed']} |")
    if not details:
        return "\n".join([*lines, ""])
    for heading, group in (("Added", added), ("Removed", removed)):
        if group:
            lines += ["", f"### {heading} ({len(group)})", ""]
            for entity in group:
                classes = ", ".join(f"`{_short(c)}`" for c in entity.classes)
                lines.append(f"- {_display(entity)}" + (f" — {classes}" if classes else ""))
    if changed:
        lines += ["", f"### Changed ({len(changed)})"]
        for entity in changed:
            lines += ["", f"#### {_display(entity)}", "", "| property | removed | added |", "|---|---|---|"]
            for change in entity.changes:
                lines.append(
                    f"| `{_short(change.predicate)}` | {_cell(change.removed)} | {_cell(change.added)} |"
                )
    return "\n".join([*lines, ""])


def render_initial(new: Sequence[Quad], *, title: str) -> str:
    """``render_markdown(diff_quads([], new), title=title, details=False)``, without comparing anything.

    Against nothing, every entity is added and the summary needs only each entity's key and classes: a
    first release's changelog skips describing every value of every entity."""
    quads = without_build_records(new)
    referenced = {q.object for q in quads if isinstance(q.object, BlankNode)}
    # Only blank nodes need describing: an anonymous entity's key is its canonical text.
    index = _Index(q for q in quads if not isinstance(q.subject, NamedNode))
    classes: dict[str, set[str]] = {}
    for q in quads:
        if isinstance(q.subject, NamedNode):
            key = q.subject.value
        elif q.subject in referenced:
            continue
        else:
            key = index.describe(q.subject)
        found = classes.setdefault(key, set())
        if q.predicate.value == _TYPE and isinstance(q.object, NamedNode):
            found.add(q.object.value)
    diff = Diff("nothing", "new")
    diff.entities = [EntityDiff(key, "added", tuple(sorted(cls)), None, ()) for key, cls in classes.items()]
    return render_markdown(diff, title=title, details=False)


def to_quads(diff: Diff, base: str = DEFAULT_DIFF_BASE) -> list[Quad]:
    """The change set as RDF (Changeset vocabulary), with IRIs derived from the entities' keys."""
    quads: list[Quad] = []

    def add(s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        quads.append(Quad(s, NamedNode(p), o))

    root = NamedNode(base)
    add(root, _TYPE, NamedNode(str(PROV.Entity)))
    add(root, str(DCTERMS.description), Literal(f"Entity-level changes from {diff.old} to {diff.new}"))
    for entity in diff.entities:
        digest = hashlib.sha256(entity.key.encode("utf-8")).hexdigest()[:16]
        changeset = NamedNode(f"{base}{digest}")
        add(root, str(DCTERMS.hasPart), changeset)
        add(changeset, _TYPE, NamedNode(CS + "ChangeSet"))
        add(changeset, CS + "changeReason", Literal(entity.status))
        subject: NamedNode | Literal = Literal(entity.key) if entity.anonymous else NamedNode(entity.key)
        add(changeset, CS + "subjectOfChange", subject)
        counter = 0
        for change in entity.changes:
            for kind, values in (("removal", change.removed), ("addition", change.added)):
                for value in values:
                    counter += 1
                    statement = NamedNode(f"{changeset.value}/{counter}")
                    add(changeset, CS + kind, statement)
                    add(statement, _TYPE, NamedNode(str(RDF.Statement)))
                    add(statement, str(RDF.subject), subject)
                    add(statement, str(RDF.predicate), NamedNode(change.predicate))
                    add(
                        statement,
                        str(RDF.object),
                        value.term if value.term is not None else Literal(value.text),
                    )
    return quads


def diff_store(diff: Diff, base: str = DEFAULT_DIFF_BASE) -> Store:
    """The RDF change set loaded into a store (handy for queries over a diff)."""
    store = Store()
    store.extend(to_quads(diff, base))
    return store
