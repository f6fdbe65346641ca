"""The package stage: reading a study package and checking its descriptor and tables.

- ``reader.open_package``: a folder or a ``.zip`` read into memory, safely.
- ``descriptor.check_descriptor``: the ``datapackage.yaml`` fields, every problem with its line.
- ``schemas.load_schemas``: the Frictionless Table Schemas that drive the table checks.
- ``table_checks.check_path``: every table checked cell by cell into typed rows.
- ``imports_folder.read_imports``: the RDF files importers left in ``imports/``.
- ``scaffold.init_package``: a new package with every table and a contributor guide.
"""
