"""The importers: other tools' exports turned into RDF in a package's ``imports/`` folder.

- ``refiqda_rdf.import_qdpx`` / ``import_qdc``: a REFI-QDA project or codebook (codes, coded segments).
- ``refiqda_xml.load_project`` / ``load_codebook``: a ``.qdpx`` (or bare ``project.qde``) or ``.qdc`` read.
- ``refiqda_records.Project``: what a project or codebook is read into (codes, sources, cases, sets).
- ``refiqda_schema.check_schema``: the REFI-QDA namespaces and the check against ``Project.xsd``.
- ``refiqda_offsets.offset_unit``: what a project's selection offsets count (code points, UTF-16).
- ``refiqda_mapping.load_mapping``: the mapping of project codes, cases and sources to concepts.
- ``survey.import_survey``: a wide survey export as Data Cube observations, respondents pseudonymised.
- ``survey_dictionary.load_dictionary``: a survey export's data dictionary (YAML or CSV), checked.
- ``eurostat.import_eurostat``: an SDMX-CSV table of Eurostat's ICT-usage family.
- ``target.open_target``: the package an importer writes into, and how it writes.
"""
