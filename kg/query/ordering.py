"""An answer's rows put in a query's order on the client, by SPARQL's own ordering rules.

Some stores cannot sort every answer: Virtuoso refuses to sort rows that hold a string over about 4 KB
(queries/README.md, "Store deviations"). The endpoint client then asks for the rows without ORDER BY and
:func:`order_rows` sorts them by evaluating the query's ORDER BY conditions in an in-memory pyoxigraph
store over those rows. The order is then the one SPARQL 1.1 defines (section 15.1: unbound first, then
blank nodes, IRIs and literals, numbers by value), the embedded store's, as long as the conditions use
only the variables the query projects: those are all the rows carry.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from kg.errors import InputError
from kg.query.results import Cell, QueryResult, Row
from kg.query.sparql_text import Ordering, tokens

# Words whose value depends on more than one row or on the data itself, not on the row's own bindings.
_NOT_PER_ROW = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "EXISTS"}
_ROW = NamedNode("urn:icgp:client-order#row")
_COLUMN = "urn:icgp:client-order#column-"


def condition_variables(ordering: Ordering, projected: list[str]) -> list[str]:
    """The projected variables the ORDER BY conditions use; InputError when the conditions cannot be
    evaluated on the rows alone (another variable, an aggregate, EXISTS)."""
    used: dict[str, None] = {}
    for token in tokens(ordering.conditions):
        if token.kind == "word" and token.text.upper() in _NOT_PER_ROW:
            raise InputError(f"its ORDER BY uses {token.text.upper()}, which the rows alone cannot give")
        if token.kind == "var":
            name = token.text[1:]
            if name not in projected:
                raise InputError(f"its ORDER BY uses ?{name}, which the query does not project")
            used.setdefault(name, None)
    return list(used)


def _term(cell: Cell, blanks: dict[str, BlankNode]) -> NamedNode | BlankNode | Literal:
    """The RDF term of a cell; the same blank node for the same label within one answer."""
    if cell.kind == "uri":
        return NamedNode(cell.value)
    if cell.kind == "bnode":
        return blanks.setdefault(cell.value, BlankNode())
    if cell.language:
        return Literal(cell.value, language=cell.language)
    if cell.datatype:
        return Literal(cell.value, datatype=NamedNode(cell.datatype))
    return Literal(cell.value)


def _fresh_name(taken: list[str]) -> str:
    """A variable name that, with ``_node`` added too, none of ``taken`` uses."""
    name = "icgp_row"
    while name in taken or f"{name}_node" in taken:
        name += "_"
    return name


def _row_store(result: QueryResult, positions: list[int]) -> Store:
    """A store holding each row as a node with its index and the values in ``positions`` (the values the
    conditions use, numbered in that order); ValueError for a value that is not a valid RDF term."""
    blanks: dict[str, BlankNode] = {}
    quads: list[Quad] = []
    for index, values in enumerate(result.rows):
        node = BlankNode()
        quads.append(Quad(node, _ROW, Literal(index)))
        for number, position in enumerate(positions):
            cell = values[position]
            if cell is not None:
                quads.append(Quad(node, NamedNode(f"{_COLUMN}{number}"), _term(cell, blanks)))
    store = Store()
    store.extend(quads)
    return store


def order_rows(result: QueryResult, ordering: Ordering, prologue: str = "") -> QueryResult:
    """``result``'s rows sorted by ``ordering``'s conditions (and cut by its LIMIT and OFFSET) as SPARQL
    sorts them; rows that tie keep the order they came in. ``prologue`` holds the query's PREFIX and
    BASE declarations, which the conditions may use.

    Raises InputError when the conditions use more than the rows' own values (see
    :func:`condition_variables`), are not valid SPARQL, or a value is not a valid RDF term."""
    columns = condition_variables(ordering, result.variables)
    row = _fresh_name(result.variables)
    optionals = "".join(
        f"  OPTIONAL {{ ?{row}_node <{_COLUMN}{number}> ?{name} }}\n" for number, name in enumerate(columns)
    )
    # The index sorts last, so that ties keep the endpoint's order.
    text = (
        f"{prologue}SELECT ?{row} WHERE {{\n  ?{row}_node {_ROW} ?{row} .\n{optionals}}}\n"
        f"ORDER BY {ordering.conditions} ?{row}\n{ordering.slice}\n"
    )
    try:
        store = _row_store(result, [result.variables.index(name) for name in columns])
        order = [int(solution[0].value) for solution in store.query(text)]  # type: ignore[union-attr]
    except ValueError as exc:
        raise InputError(f"a value of the answer is not a valid RDF term: {exc}") from exc
    except SyntaxError as exc:
        raise InputError(f"its ORDER BY cannot be evaluated on the client: {exc}") from exc
    rows: list[Row] = [result.rows[index] for index in order]
    return QueryResult(list(result.variables), rows)
