"""The growth-pole report: one self-contained HTML page per study (``icgp report``).

- ``data.gather``: the assessment and the numbers its charts need, per study;
- ``figures``: the charts as inline SVG (matplotlib, networkx layouts with a fixed seed);
- ``html.render``: the page, with a data table beside every chart and print rules;
- ``write.write_reports``: gather, render and write every study's page, all or nothing;
- ``write.release_pages``: the undated pages ``icgp release`` puts in its bundle.
"""
