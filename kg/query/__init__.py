"""The query stage: the saved-query catalogue, parameter binding, and running on a store or endpoint.

- ``catalogue.find_query``: a saved query by name or file, with its header.
- ``catalogue.prepare``: a query with its parameters bound as RDF terms.
- ``run.StoreTarget`` / ``run.EndpointTarget``: where a query runs; ``run.render``: its answer as text.
"""
