"""The importers: other tools' exports turned into RDF in a package's ``imports/`` folder.

- ``refiqda_rdf.import_qdpx`` / ``import_qdc``: a REFI-QDA project or codebook (codes, coded segments).
- ``survey.import_survey``: a wide survey export as Data Cube observations, respondents pseudonymised.
- ``eurostat.import_eurostat``: an SDMX-CSV table of Eurostat's ICT-usage family.
- ``target.open_target``: the package an importer writes into, and how it writes.
"""
