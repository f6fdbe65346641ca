"""The ontology stage: bundled resources, namespaces, vocabulary lookup, quality rules and reasoning.

- ``resources.resource_dir``: where the bundled ontology, shapes, queries and sample study live.
- ``concepts.load_concepts``: every SKOS concept, looked up by slug, notation or label.
- ``iso3166.region_quads``: the ISO 3166 regions (from pycountry) and NUTS-to-ISO links a study uses.
- ``loading.parse_rdf``: one RDF file's quads, within the parser limits (entities, nesting, literal size).
- ``loading.load_store``: RDF files merged into one in-memory store.
- ``loading.load_with_imports``: the same, plus the bundled stand-ins of the ontologies they import.
- ``quality.check_files``: the quality rules of ``queries/qc/`` over the ontology and vocabularies.
- ``declared_terms.undeclared_icgp_terms``: icgp: terms used without a declaration.
- ``reasoning.reason``: HermiT's consistency and satisfiability verdict.
- ``reasoning.reason_owl_rl``: consistency under the OWL 2 RL closure, with the clashes it derives.
"""
