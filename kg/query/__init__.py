"""The query stage: SPARQL text, parameter binding, the saved-query catalogue, running, and result rendering.

- ``sparql_text.tokens`` / ``sparql_text.with_limit``: a query text lexed, and facts about it.
- ``parameters.prepare``: a query with its parameters bound as RDF terms.
- ``catalogue.find_query``: a saved query by name or file, with its header.
- ``run.StoreTarget`` / ``run.EndpointTarget``: where a query runs.
- ``ordering.order_rows``: an answer sorted on the client, for endpoints that cannot sort it.
- ``results.QueryResult`` / ``results.render``: its answer, and the answer as text.
- ``run.labels_of`` / ``results.reader``: the labels of the IRIs in an answer, and cells shown with them.
"""
