"""The package stage: reading a study package and checking its descriptor and tables.

- ``reader.open_package``: a folder or a ``.zip`` read into memory, safely.
- ``descriptor.Descriptor``: the study the ``datapackage.yaml`` describes, with its licences and contributors.
- ``descriptor_checks.check_descriptor``: the ``datapackage.yaml`` fields, every problem with its line.
- ``descriptor_resources.table_files``: the descriptor's ``resources``, matched to each table's CSV file.
- ``schemas.load_schemas``: the Frictionless Table Schemas that drive the table checks.
- ``table_checks.check_path``: every table checked cell by cell into typed rows.
- ``table_rows.read_tables``: each table read on its own (header, cells, lists, unique keys) into rows.
- ``table_links.check_links``: the foreign keys and the schemas' rules, across the tables read.
- ``imports_folder.read_imports``: the RDF files importers left in ``imports/``.
- ``scaffold.init_package``: a new package with every table and a contributor guide.
"""
