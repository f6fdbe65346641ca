"""The validation stage: SHACL shapes over a built study, each problem traced to file, row and column.

- ``validate.validate_path``: a package (tables, then shapes) or an RDF file (shapes).
- ``engines.validate``: the fast engine or pySHACL behind one interface.
- ``report_formats.render_text`` (and json, csv, sarif, turtle): the report for people and tools.
"""
