"""The publish stage: what leaves ICGP for other people and tools.

- ``release.make_release``: a versioned bundle with docs, descriptions, provenance and checksums.
- ``release_pages.htaccess`` (and ``readme``, ``index_html``): a release's text files, without dates.
- ``diff.diff_paths``: entity-level changes between two versions.
- ``privacy.guard``: refuses personal data in what would be public.
- ``graph_store.publish``: an upload through the SPARQL 1.1 Graph Store Protocol.
- ``serve.Server``: a read-only SPARQL endpoint on loopback.
- ``describe`` and ``docs_html``: VoID, DCAT and service descriptions; HTML pages of the ontology.
- ``report.write.write_reports``: the growth-pole report, one self-contained HTML page per study.
- ``query_charts.chart_svg``: a saved query's answer as a bar, line or heatmap SVG (``query run --chart``).
- ``charts``: the SVG settings every chart shares (fixed hash salt, text as text, no dates).
"""
