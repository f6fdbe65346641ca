"""The report page: XHTML-compatible HTML5 with inline SVG charts and CSS, no script, nothing fetched.

Every chart is a ``<figure>`` with the SVG (``role="img"``, a title and a description), a caption and its
data as a table; numbers in those tables carry their exact value in ``<data value="...">`` and show it
rounded, so a program can check them against the assessment's JSON and a person can read them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kg.publish.report import figures
from kg.publish.report.data import EVIDENCE_SHOWN, AdoptionRow, BarrierRow, StudyReport
from kg.publish.report.drawing import Chart, chart, draw_all
from kg.publish.report.style import CSS

# Characters XML does not allow: a label carrying one would make the page unreadable to strict parsers.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(text: object) -> str:
    """Text for an element or attribute: escaped, with characters XML forbids removed."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def num(value: float | int | None, digits: int = 3) -> str:
    """A table cell's number: the exact value in ``<data value>``, shown rounded; ``-`` for none."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        value = int(value)
    shown = (
        str(value)
        if isinstance(value, int)
        else f"{value:.{digits}g}"
        if abs(value) < 1000
        else f"{value:,.0f}"
    )
    return f'<data value="{value!r}">{esc(shown)}</data>'


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


@dataclass(frozen=True)
class _ChartLine:
    """A page line holding a chart still to be drawn, between two pieces of text."""

    before: str
    chart: Chart
    after: str


class _Page:
    """The page under construction: its lines (charts still undrawn) and a running figure number."""

    def __init__(self) -> None:
        self.lines: list[str | _ChartLine] = []
        self.figures = 0

    def add(self, *lines: str | _ChartLine) -> None:
        self.lines.extend(lines)

    def text(self, workers: int | None) -> str:
        """The finished page, every chart drawn (by ``workers`` processes, see :func:`draw_all`)."""
        slots = [line for line in self.lines if isinstance(line, _ChartLine)]
        drawn = iter(draw_all([slot.chart for slot in slots], workers))
        return "\n".join(
            line if isinstance(line, str) else f"{line.before}{next(drawn)}{line.after}"
            for line in self.lines
        )

    def figure(
        self,
        key: str,
        svg: Chart,
        caption: str,
        header: Sequence[tuple[str, bool]],
        body: Iterable[Sequence[str]],
        kind: str,
        *,
        wide: bool = False,
    ) -> None:
        """A chart with its caption and its data table (``header``: column name, numeric?); a ``wide`` one
        puts the table under the chart rather than beside it."""
        self.figures += 1
        number = self.figures
        numeric = ' class="number"'
        head = "".join(f'<th scope="col"{numeric if n else ""}>{esc(h)}</th>' for h, n in header)
        rows = []
        for cells in body:
            tds = "".join(
                f"<td{numeric if n else ''}>{c}</td>" for c, (_, n) in zip(cells, header, strict=True)
            )
            rows.append(f"<tr>{tds}</tr>")
        self.add(
            f'<figure class="chart{" wide" if wide else ""}" id="fig-{key}" data-chart="{esc(kind)}">',
            _ChartLine('<div class="chart-image">', svg, "</div>"),
            f'<table class="chart-data" data-chart="{esc(kind)}"><caption>Data of figure {number}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
            f"<figcaption>Figure {number}. {esc(caption)}</figcaption>",
            "</figure>",
        )


def render(report: StudyReport, *, dated: bool = True, workers: int | None = None) -> str:
    """The whole page of one study; ``dated=False`` leaves out the generation time (a release keeps times
    in its provenance record alone); ``workers`` processes draw the charts (default: one per core for a
    large report, see :func:`kg.publish.report.drawing.default_workers`)."""
    page = _Page()
    title = f"Growth-pole report: {report.title}"
    page.add(
        "<!DOCTYPE html>",
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">',
        "<head>",
        '<meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        '<meta name="generator" content="ICGP"/>',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">Assessed under the model {esc(report.model["id"])} {esc(report.model["version"])}'
        + (f"; generated {esc(report.generated.isoformat())}. " if dated else ". ")
        + f"{len(report.clusters)} cluster{'s' if len(report.clusters) != 1 else ''}.</p>",
        "</header>",
        "<main>",
    )
    _summary(page, report)
    _study_wide(page, report)
    for cluster in report.clusters:
        _cluster(page, report, cluster)
    page.add(
        "</main>",
        "<footer>",
        '<p class="note">Made by ICGP from the study data and the growth-pole model. Scores run from 0 to 1; '
        "a criterion without enough evidence cannot hold. "
        + (
            "Quotes are shown because the study marks them public."
            if report.quotes_public
            else "Quotes are left out: the study does not mark them public."
        )
        + "</p>",
        "</footer>",
        "</body>",
        "</html>",
        "",
    )
    return page.text(workers)


def _summary(page: _Page, report: StudyReport) -> None:
    page.add('<section id="summary" class="summary">', "<h2>Summary across clusters</h2>")
    verdicts: dict[str, int] = {}
    for c in report.clusters:
        verdicts[c["verdict"]["label"]] = verdicts.get(c["verdict"]["label"], 0) + 1
    said = "; ".join(f"{label.lower()}: {count}" for label, count in sorted(verdicts.items()))
    page.add(f'<p class="lead">Verdicts of the {len(report.clusters)} clusters assessed: {esc(said)}.</p>')
    names = [c["label"] for c in report.clusters]
    indexes = [c["index"] for c in report.clusters]
    svg = chart(
        figures.hbar_chart,
        names,
        {"growth-pole index": [i or 0.0 for i in indexes]},
        "summary-index",
        "Growth-pole index of each cluster",
        "Horizontal bars, one per cluster, of the growth-pole index from 0 to 1: "
        + "; ".join(
            f"{n} {'no index' if i is None else f'{i:.2f}'}" for n, i in zip(names, indexes, strict=True)
        ),
        "growth-pole index (0 to 1)",
        colours=("#0072B2",),
    )
    page.figure(
        "summary-index",
        svg,
        "Growth-pole index of each cluster (the weighted mean of its criterion scores), with its verdict "
        "and roadmap stage.",
        [("cluster", False), ("verdict", False), ("stage", False), ("index", True), ("robust", False)],
        (
            [
                f'<a href="#cluster-{esc(_slug(c["id"]))}">{esc(c["label"])}</a>',
                esc(c["verdict"]["label"]),
                esc(f"{c['stage']['notation']} {c['stage']['label']}" if c["stage"] else "no stage yet"),
                num(c["index"]),
                "yes" if c["robust"] else "no",
            ]
            for c in report.clusters
        ),
        "index",
    )
    page.add("</section>")


def _study_wide(page: _Page, report: StudyReport) -> None:
    page.add(
        '<section id="firms" class="firms">',
        "<h2>Across the study's firms</h2>",
        '<p class="note">These charts count every firm and coded passage of the data, across clusters.</p>',
    )
    if report.barriers:
        _barriers_by_group(page, report.barriers, "firms-barriers", "Barriers by firm group", "")
    else:
        page.add("<p>No coded passage of an SME, startup or large enterprise cites an adoption barrier.</p>")
    if report.adoption:
        _adoption_by_group(
            page,
            report.adoption,
            "firms-adoption",
            "Technology adoption by firm group",
            "Industry 4.0 technology adoptions of SMEs, startups and large enterprises, by status.",
        )
    if report.baseline:
        names = [f"{r.size_label} ({r.country})" for r in report.baseline]
        svg = chart(
            figures.hbar_chart,
            names,
            {
                "study": [r.study_share for r in report.baseline],
                "Eurostat": [r.baseline_share for r in report.baseline],
            },
            "firms-baseline",
            "Adoption against the Eurostat baseline",
            "Side-by-side bars per size class of the study's share of enterprises using a technology and the "
            "national Eurostat share: "
            + "; ".join(
                f"{n}: study {r.study_share:g} %, Eurostat {r.baseline_share:g} %"
                for n, r in zip(names, report.baseline, strict=True)
            ),
            "share of enterprises (%)",
        )
        page.figure(
            "firms-baseline",
            svg,
            "The study's enterprises using a technology, by size class, against the national share of "
            "Eurostat's digital-intensity indicator (the imported table's latest year).",
            [
                ("size class", False),
                ("enterprises", True),
                ("study %", True),
                ("Eurostat %", True),
                ("year", False),
            ],
            (
                [esc(n), num(r.enterprises), num(r.study_share), num(r.baseline_share), esc(r.year)]
                for n, r in zip(names, report.baseline, strict=True)
            ),
            "baseline",
        )
    else:
        page.add(
            '<p class="note">No Eurostat baseline is imported, so adoption is not compared with national '
            "figures ('icgp import eurostat' adds one).</p>"
        )
    page.add("</section>")


def _barriers_by_group(page: _Page, found: Sequence[BarrierRow], key: str, title: str, whose: str) -> None:
    """The ten barriers SMEs and startups cite most against large firms, as shares of each group's
    passages; ``whose`` narrows the caption's groups (" of the cluster's members") or is empty."""
    top = found[:10]
    sme = [100 * r.sme_passages / r.sme_total if r.sme_total else 0.0 for r in top]
    large = [100 * r.large_passages / r.large_total if r.large_total else 0.0 for r in top]
    svg = chart(
        figures.hbar_chart,
        [r.label for r in top],
        {"SMEs and startups": sme, "large enterprises": large},
        key,
        title,
        "Side-by-side bars per barrier of the share of each group's coded passages citing it: "
        + "; ".join(
            f"{r.label}: SMEs and startups {s:.1f} %, large {g:.1f} %"
            for r, s, g in zip(top, sme, large, strict=True)
        ),
        "share of the group's coded passages citing the barrier (%)",
    )
    page.figure(
        key,
        svg,
        f"The barriers SMEs and startups{whose} cite most, against large enterprises{whose}: each group's "
        "passages citing the barrier (a passage two coders coded counts once) out of all passages the group "
        f"spoke ({top[0].sme_total} for SMEs and startups, {top[0].large_total} for large enterprises).",
        [("barrier", False), ("SME and startup passages", True), ("large-firm passages", True)],
        ([esc(r.label), num(r.sme_passages), num(r.large_passages)] for r in top),
        "barriers-by-group",
    )


def _adoption_by_group(page: _Page, found: Sequence[AdoptionRow], key: str, title: str, caption: str) -> None:
    """Stacked bars of each firm group's technology adoptions by status."""
    statuses = {
        "in use": [r.in_use for r in found],
        "piloting": [r.piloting for r in found],
        "planned": [r.planned for r in found],
        "abandoned": [r.abandoned for r in found],
    }
    svg = chart(
        figures.hbar_chart,
        [r.label for r in found],
        {k: [float(v) for v in vs] for k, vs in statuses.items()},
        key,
        title,
        "Stacked bars per firm group of its technology adoptions by status: "
        + "; ".join(
            f"{r.label}: {r.in_use} in use, {r.piloting} piloting, {r.planned} planned, "
            f"{r.abandoned} abandoned"
            for r in found
        ),
        "technology adoptions recorded",
        stacked=True,
        colours=("#0072B2", "#56B4E9", "#E69F00", "#999999"),
    )
    page.figure(
        key,
        svg,
        caption,
        [
            ("group", False),
            ("in use", True),
            ("piloting", True),
            ("planned", True),
            ("abandoned", True),
            ("adopters", True),
        ],
        (
            [esc(r.label), num(r.in_use), num(r.piloting), num(r.planned), num(r.abandoned), num(r.adopters)]
            for r in found
        ),
        "adoption",
    )


def _indicator(cluster: dict[str, Any], criterion: str, name: str) -> float | None:
    for c in cluster["criteria"]:
        if c["criterion"] == criterion:
            for i in c["indicators"]:
                if i["name"] == name:
                    value: float | None = i["value"]
                    return value
    return None


def _cluster(page: _Page, report: StudyReport, c: dict[str, Any]) -> None:
    key = _slug(c["id"])
    page.add(
        f'<section class="cluster" id="cluster-{esc(key)}">',
        f"<h2>{esc(c['label'])}</h2>",
        f'<p class="lead"><span class="verdict">{esc(c["verdict"]["label"])}</span>. {esc(c["summary"])}</p>',
        f"<p>{esc(c['robustness'])}</p>",
    )
    _profile(page, c, key)
    _network(page, report, c, key)
    _spread(page, report, c, key)
    _firm_groups(page, report, c, key)
    _roadmap(page, report, c, key)
    _evidence(page, report, c)
    page.add("</section>")


def _profile(page: _Page, c: dict[str, Any], key: str) -> None:
    scores = [
        figures.Score(
            x["criterion"],
            x["label"],
            x["score"],
            x["holds_at"],
            x["holds"],
            x["sufficient_evidence"],
            x["negative"],
        )
        for x in c["criteria"]
    ]
    description = "Horizontal bars of the six criterion scores against their thresholds: " + "; ".join(
        f"{s.notation} {s.label} {'no score' if s.score is None else f'{s.score:.2f}'} "
        f"(threshold {s.threshold:g}, {'holds' if s.holds else 'does not hold'})"
        for s in scores
    )
    svg = chart(
        figures.profile_chart, scores, f"{key}-profile", f"Criterion profile of {c['label']}", description
    )
    page.figure(
        f"{key}-profile",
        svg,
        f"Criterion profile of {c['label']}: each growth-pole criterion's score (dark: holds; light: does "
        "not; grey: too little evidence) against the threshold at which it holds. For backwash risk a lower "
        "score is better: it holds when it stays at or below its threshold.",
        [
            ("criterion", False),
            ("score", True),
            ("threshold", True),
            ("holds", False),
            ("evidence", True),
            ("needed", True),
        ],
        (
            [
                esc(f"{x['criterion']} {x['label']}"),
                num(x["score"]),
                num(x["holds_at"]),
                "yes" if x["holds"] else "no",
                num(x["evidence_count"]),
                num(x["min_evidence"]),
            ]
            for x in c["criteria"]
        ),
        "profile",
    )


def _name(report: StudyReport, iri: str) -> str:
    """A person-readable name of an actor: its label, else the end of its IRI (never the whole IRI)."""
    return report.labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1]


def _network(page: _Page, report: StudyReport, c: dict[str, Any], key: str) -> None:
    ties, members = report.networks[c["cluster"]]
    brokers = {b["iri"]: b for b in c["brokers"]}
    anchors = sorted(m.iri for m in members if m.core)
    named = {iri: _name(report, iri) for iri in [*anchors, *brokers]}
    groups = {m.iri: m.group for m in members}
    for t in ties:
        groups.setdefault(t.source, t.source_group)
        groups.setdefault(t.target, t.target_group)
    drawn = figures.network_size(ties, members)
    svg = chart(
        figures.network_chart,
        ties,
        members,
        named,
        f"{key}-network",
        f"Actor network of {c['label']}",
        f"A network drawing of the cluster's {len({t.iri for t in ties})} interactions in the period; "
        "labelled actors: " + (", ".join(sorted(named.values())) or "none"),
    )
    partial = (
        f" Only the {drawn.shown} of its {drawn.actors} actors with the highest betweenness are drawn."
        if drawn.shown < drawn.connected
        else ""
    )
    if drawn.connected < drawn.actors:
        partial += f" {drawn.actors - drawn.connected} members without a tie in the period are not drawn."
    people = sorted(named, key=lambda i: (-(brokers[i]["betweenness"] if i in brokers else -1), named[i], i))
    page.figure(
        f"{key}-network",
        svg,
        f"Actor network of {c['label']} in the period: {drawn.actors} actors and {drawn.ties} directed ties "
        "between them; colour gives the actor group, size the betweenness centrality; anchors, propulsive "
        f"actors and the top brokers are named.{partial}",
        [("actor", False), ("group", False), ("role", False), ("betweenness", True), ("broker roles", False)],
        (
            [
                esc(named[i]),
                esc(figures.GROUP_NAMES.get(groups.get(i, "other"), "Other actors")),
                esc(
                    ", ".join(
                        r
                        for r, on in (("anchor or propulsive", i in anchors), ("broker", i in brokers))
                        if on
                    )
                ),
                num(brokers[i]["betweenness"]) if i in brokers else "-",
                esc(", ".join(f"{r} {n}" for r, n in brokers[i]["roles"].items()) if i in brokers else ""),
            ]
            for i in people
        ),
        "network",
        wide=True,
    )


def _spread(page: _Page, report: StudyReport, c: dict[str, Any], key: str) -> None:
    reached = _indicator(c, "GP-C4", "smesReached")
    share = _indicator(c, "GP-C4", "shareOutsideCore")
    gap = _indicator(c, "GP-C4", "maturityGainGap")
    spread = report.spread[c["cluster"]]
    outside = spread.outside_core
    inside = None if reached is None or outside is None else int(reached) - outside
    core = spread.core_label or "the core region"
    svg = chart(
        figures.spread_chart,
        inside,
        outside,
        spread.reached_gain,
        spread.not_reached_gain,
        f"{key}-spread",
        f"Spread effects of {c['label']}",
        f"SMEs and startups reached inside {core}: {inside if inside is not None else 'unknown'}, outside: "
        f"{outside if outside is not None else 'unknown'}; mean maturity gain of those reached: "
        f"{'no data' if spread.reached_gain is None else f'{spread.reached_gain:.1f}'}, "
        "of those not reached: "
        f"{'no data' if spread.not_reached_gain is None else f'{spread.not_reached_gain:.1f}'} points.",
    )
    page.figure(
        f"{key}-spread",
        svg,
        f"Spread effects of {c['label']}: the SMEs and startups its activities reached in the period, inside "
        f"and outside its core region ({core}), and the mean gain in EU Digital Maturity Assessment score "
        "(first to last assessment in the period) of the SMEs reached and of those not reached.",
        [("measure", False), ("value", True)],
        [
            ["SMEs and startups reached", num(reached)],
            ["of them outside the core region", num(outside)],
            ["share outside the core region", num(share)],
            ["mean maturity gain, reached", num(spread.reached_gain)],
            ["mean maturity gain, not reached", num(spread.not_reached_gain)],
            ["maturity gain gap", num(gap)],
        ],
        "spread",
    )


def _firm_groups(page: _Page, report: StudyReport, c: dict[str, Any], key: str) -> None:
    """The study-wide comparisons of SMEs and startups against large firms, within the cluster."""
    page.add(
        "<h3>SMEs against large firms</h3>",
        '<p class="note">These charts count the coded passages of the people of the cluster\'s member firms '
        "and the technology adoptions of its member firms (members at any time, so the period does not "
        "narrow them).</p>",
    )
    barriers = report.cluster_barriers.get(c["cluster"], [])
    if barriers:
        _barriers_by_group(
            page,
            barriers,
            f"{key}-firm-barriers",
            f"Barriers by firm group in {c['label']}",
            " of the cluster",
        )
    else:
        page.add(
            "<p>No coded passage of the cluster's SMEs, startups or large enterprises cites an adoption "
            "barrier.</p>"
        )
    adoption = report.cluster_adoption.get(c["cluster"], [])
    if adoption:
        _adoption_by_group(
            page,
            adoption,
            f"{key}-firm-adoption",
            f"Technology adoption by firm group in {c['label']}",
            "Industry 4.0 technology adoptions of the SMEs, startups and large enterprises among the "
            f"members of {c['label']}, by status.",
        )
    else:
        page.add(
            "<p>No technology adoption of the cluster's SMEs, startups or large enterprises is recorded.</p>"
        )


def _roadmap(page: _Page, report: StudyReport, c: dict[str, Any], key: str) -> None:
    roadmap = c["roadmap"]
    page.add("<h3>Roadmap</h3>")
    nxt = roadmap["next_stage"]
    if nxt is None:
        page.add("<p>The cluster has reached the last stage of the roadmap.</p>")
    else:
        page.add(f"<p>Next stage: {esc(nxt)} {esc(report.stages.get(nxt, ''))}. It needs:</p>")
        page.add(
            '<table class="needs"><thead><tr><th scope="col">criterion</th>'
            '<th scope="col" class="number">needs</th><th scope="col" class="number">now</th>'
            '<th scope="col">met</th></tr></thead><tbody>'
        )
        labels = {x["criterion"]: x["label"] for x in c["criteria"]}
        negative = {x["criterion"]: x["negative"] for x in c["criteria"]}
        for need in roadmap["needs"]:
            bound = "at most" if negative.get(need["criterion"]) else "at least"
            page.add(
                f"<tr><td>{esc(need['criterion'])} {esc(labels.get(need['criterion'], ''))}</td>"
                f'<td class="number">{esc(bound)} {num(need["threshold"])}</td>'
                f'<td class="number">{num(need["score"])}</td><td>{"yes" if need["met"] else "no"}</td></tr>'
            )
        page.add("</tbody></table>")
    barriers = roadmap["barriers"]
    if barriers:
        svg = chart(
            figures.hbar_chart,
            [f"{b['notation']} {b['label']}".strip() for b in barriers],
            {"passages": [float(b["passages"]) for b in barriers]},
            f"{key}-barriers",
            f"Top barriers of {c['label']}",
            "Bars of the coded passages of the cluster's SMEs citing each barrier: "
            + "; ".join(f"{b['label']} {b['passages']}" for b in barriers),
            "coded passages of the cluster's SMEs",
            colours=("#E69F00",),
        )
        page.figure(
            f"{key}-barriers",
            svg,
            f"The barriers the SMEs of {c['label']} cite most, counted per passage.",
            [("barrier", False), ("passages", True)],
            ([esc(f"{b['notation']} {b['label']}".strip()), num(b["passages"])] for b in barriers),
            "barriers",
        )
    else:
        page.add("<p>No coded passage of the cluster's SMEs cites a barrier.</p>")
    missing = roadmap["missing_activity_types"]
    if missing:
        page.add(
            "<p>Activity types that address these barriers and that the cluster does not offer yet:</p><ul>"
        )
        for m in missing:
            services = ", ".join(s["label"] for s in m["edih_services"]) or "no EDIH service recorded"
            page.add(f"<li>{esc(m['label'])} (EDIH services: {esc(services)})</li>")
        page.add("</ul>")
    elif barriers:
        page.add("<p>The cluster already offers an activity type for each of these barriers.</p>")


def _evidence(page: _Page, report: StudyReport, c: dict[str, Any]) -> None:
    page.add("<h3>Evidence behind each score</h3>")
    for x in c["criteria"]:
        items = x["evidence"]
        more = f"; the first {EVIDENCE_SHOWN} are" if len(items) > EVIDENCE_SHOWN else ""
        page.add(
            f"<p><strong>{esc(x['criterion'])} {esc(x['label'])}</strong>: {len(items)} item"
            f"{'s' if len(items) != 1 else ''}{more}{':' if items else '.'}</p>"
        )
        if not items:
            continue
        page.add('<ul class="evidence">')
        for iri in items[:EVIDENCE_SHOWN]:
            item = report.evidence.get(iri)
            if item is None:
                page.add(f"<li>{esc(iri.rstrip('/').rsplit('/', 1)[-1])}</li>")
                continue
            quote = (
                f"<blockquote>{esc(item.quote)}</blockquote>" if item.quote and report.quotes_public else ""
            )
            page.add(f"<li>{esc(item.kind)}: {esc(item.text)}{quote}</li>")
        page.add("</ul>")
