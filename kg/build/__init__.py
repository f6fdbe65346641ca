"""The build stage: checked rows to quads, the store, and deterministic serialisation.

- ``study.build_package``: a package checked and built into one named graph with a source map.
- ``study.store_study``: a built study put into a store beside the ontology and vocabularies.
- ``store.open_store``: an on-disk or in-memory Oxigraph store.
- ``serialize.serialize_quads``: quads written byte-stable in any of six RDF formats.
- ``sources.open_source``: a package (built in memory) or a store folder, for the later stages.
"""
