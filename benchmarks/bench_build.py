"""Benchmark ``icgp build`` against a plain rdflib build of the same tables, in the same run.

Usage::

    python benchmarks/bench_build.py --organisations 5000 50000 [--repeats 3] [--work DIR]

For each size a package is generated with ``benchmarks/generate.py``; every measurement runs in a fresh
Python process so that peak memory (``ru_maxrss``) belongs to one build alone. Both builds run the same
table checks and the same mapping code; the baseline swaps Oxigraph terms and store for rdflib's
(``rdflib.Dataset``), which is what a plain rdflib loader would hold. Medians and ratios go to stdout as
a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _rdflib_literal(value: str, datatype: Any = None, language: str | None = None) -> Any:
    import rdflib

    return rdflib.Literal(value, lang=language, datatype=datatype)


def measure(engine: str, package: Path) -> dict[str, float]:
    """Build ``package`` once with ``engine`` (icgp or rdflib) in this process; return time, memory, size."""
    from kg.build import builder, tables, writer
    from kg.ontology.concepts import load_concepts
    from kg.package.table_checks import check_path

    concepts = load_concepts()  # the vocabularies are loaded before the clock starts, for both engines
    if engine == "rdflib":
        import pyoxigraph
        import rdflib

        # Same mapping, rdflib terms: the builder's modules only call these three constructors, plus
        # the datatype IRIs they made at import time.
        for module in (builder, tables, writer):
            for name, value in vars(module).copy().items():
                if isinstance(value, pyoxigraph.NamedNode):
                    setattr(module, name, rdflib.URIRef(value.value))
            module.NamedNode = rdflib.URIRef  # type: ignore[attr-defined]
            module.Literal = _rdflib_literal  # type: ignore[attr-defined]
            module.Quad = lambda s, p, o, g: (s, p, o, g)  # type: ignore[attr-defined]
    start = time.perf_counter()
    checked = check_path(package, concepts)
    result = builder.build_study(checked, concepts)
    if engine == "rdflib":
        import rdflib

        dataset = rdflib.Dataset()
        graph = dataset.graph(result.graph)
        dataset.addN((s, p, o, graph) for s, p, o, _ in result.quads)  # type: ignore[misc]
        triples = len(graph)
    else:
        from kg.build.store import install_ontology, open_store, replace_graphs

        store = open_store(None)
        install_ontology(store)
        replace_graphs(store, result.quads, [result.graph])
        triples = len(result.quads)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "triples": triples}


def run_fresh(engine: str, package: Path) -> dict[str, float]:
    """Run one measurement in a new Python process and return its result."""
    completed = subprocess.run(
        [sys.executable, __file__, "--measure", engine, str(package)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(completed.stdout)
    return result


def main() -> None:
    """Generate the packages, measure both engines, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--organisations", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rdflib-repeats", type=int, default=1, help="rdflib runs per size (slow)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the generated packages")
    parser.add_argument("--measure", nargs=2, metavar=("ENGINE", "PACKAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="icgp-bench-"))
    rows = []
    for size in args.organisations:
        package = work / f"orgs-{size}"
        if not package.exists():
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(package), "--organisations", str(size)],
                check=True,
            )
        icgp = [run_fresh("icgp", package) for _ in range(args.repeats)]
        plain = [run_fresh("rdflib", package) for _ in range(args.rdflib_repeats)]
        rows.append((size, icgp, plain))
        print(f"measured {size} organisations", file=sys.stderr)

    print("| organisations | triples | icgp build | icgp peak | rdflib build | rdflib peak | time ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, icgp, plain in rows:
        t_icgp = statistics.median(r["seconds"] for r in icgp)
        t_plain = statistics.median(r["seconds"] for r in plain)
        m_icgp = statistics.median(r["peak_mb"] for r in icgp)
        m_plain = statistics.median(r["peak_mb"] for r in plain)
        print(
            f"| {size:,} | {int(icgp[0]['triples']):,} | {t_icgp:.1f} s | {m_icgp:,.0f} MB | "
            f"{t_plain:.1f} s | {m_plain:,.0f} MB | {t_plain / t_icgp:.1f}x faster |"
        )


if __name__ == "__main__":
    main()
