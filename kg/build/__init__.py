"""The build stage: checked rows to quads, the store, and deterministic serialisation.

- ``study.build_package``: a package checked and built into one named graph with a source map.
- ``study.build_to_store``: a package checked and streamed into an on-disk store (bounded memory).
- ``study.store_study``: a built study put into a store beside the ontology and vocabularies.
- ``rebuild.rebuild_store``: an on-disk store rewritten beside itself and swapped in atomically.
- ``store.open_store``: an on-disk or in-memory Oxigraph store.
- ``serialize.serialize_quads``: quads written byte-stable in any of six RDF formats.
- ``sources.open_source``: a package (built in memory) or a store folder, for the later stages.
"""
