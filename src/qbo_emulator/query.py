"""The QBO query language: a tokenizer, a parser and an evaluator over stored rows.

Grammar (Intuit "data queries"): SELECT * | COUNT(*) FROM Entity [WHERE cond [AND cond]...]
[ORDERBY | ORDER BY prop [ASC|DESC][, ...]] [STARTPOSITION n] [MAXRESULTS n], the last two in either order.
Conditions are `prop op value` with =, <, >, <=, >=, IN (...), LIKE '%x%'. No OR, no joins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from . import wire
from .faults import QboFault, fault

DEFAULT_MAX_RESULTS = 100
MAX_RESULTS_CAP = 1000

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:\\.|''|[^'\\])*')
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),*])
  | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<word>[A-Za-z_][\w.]*)
    """,
    re.X,
)


@dataclass
class Token:
    kind: str
    text: str
    pos: int

    @property
    def upper(self) -> str:
        return self.text.upper()


@dataclass
class Condition:
    prop: str
    op: str
    values: list[Any]


@dataclass
class Query:
    entity: str
    count: bool = False
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (prop, descending)
    start: int = 1
    max_results: int = DEFAULT_MAX_RESULTS


def parser_error(detail: str) -> QboFault:
    return fault("4000", "Error parsing query", f"QueryParserError: {detail}")


def validation_error(detail: str) -> QboFault:
    return fault("4001", "Invalid query", f"QueryValidationError: {detail}")


def processing_error(detail: str) -> QboFault:
    return fault("4002", "Error processing query", f"QueryProcessingError: {detail}")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise parser_error(f'Encountered " "{text[pos]}" "" at line 1, column {pos + 1}.')
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    # QBO escapes an apostrophe as \' ; a doubled '' is tolerated as well.
    return re.sub(r"\\(.)", r"\1", body).replace("''", "'")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise parser_error(f'Encountered "<EOF>" at line 1, column {len(self.text) + 1}.')
        self.i += 1
        return tok

    def expect_word(self, word: str) -> None:
        tok = self.take()
        if tok.upper != word:
            raise self.unexpected(tok, word)

    def expect_punct(self, punct: str) -> None:
        tok = self.take()
        if tok.text != punct:
            raise self.unexpected(tok, punct)

    def unexpected(self, tok: Token, wanted: str) -> QboFault:
        return parser_error(
            f'Encountered " <{tok.kind.upper()}> "{tok.text} "" at line 1, column {tok.pos + 1}.\n'
            f'Was expecting:\n    "{wanted}" ...'
        )

    def parse(self) -> Query:
        if not self.tokens:
            raise parser_error('Encountered "<EOF>" at line 1, column 1.')
        self.expect_word("SELECT")
        count = False
        tok = self.peek()
        if tok is not None and tok.upper == "COUNT":
            self.take()
            self.expect_punct("(")
            self.expect_punct("*")
            self.expect_punct(")")
            count = True
        else:
            self._projection()
        self.expect_word("FROM")
        entity_tok = self.take()
        if entity_tok.kind != "word":
            raise self.unexpected(entity_tok, "<IDENTIFIER>")
        query = Query(entity=entity_tok.text, count=count)
        self._clauses(query)
        return query

    def _projection(self) -> None:
        # `SELECT *` or a property list; QBO returns whole entities either way.
        while True:
            tok = self.take()
            if tok.text != "*" and tok.kind != "word":
                raise self.unexpected(tok, "*")
            nxt = self.peek()
            if nxt is None or nxt.text != ",":
                return
            self.take()

    def _clauses(self, query: Query) -> None:
        seen: set[str] = set()
        while (tok := self.peek()) is not None:
            word = tok.upper
            if word == "WHERE" and "WHERE" not in seen and not seen & {"ORDERBY", "START", "MAX"}:
                self.take()
                query.where = self._conditions()
                seen.add("WHERE")
            elif word in ("ORDERBY", "ORDER") and "ORDERBY" not in seen:
                self.take()
                if word == "ORDER":
                    self.expect_word("BY")
                query.order = self._order()
                seen.add("ORDERBY")
            elif word == "STARTPOSITION" and "START" not in seen:
                self.take()
                query.start = self._int("STARTPOSITION")
                seen.add("START")
            elif word == "MAXRESULTS" and "MAX" not in seen:
                self.take()
                query.max_results = self._int("MAXRESULTS")
                seen.add("MAX")
            else:
                raise self.unexpected(tok, "<EOF>")

    def _int(self, clause: str) -> int:
        tok = self.take()
        if tok.kind != "number" or "." in tok.text:
            raise self.unexpected(tok, "<INTEGER>")
        value = int(tok.text)
        if value < 1 and clause == "STARTPOSITION" or value < 0:
            raise processing_error(f"{clause} must be positive. Supplied value:{value}")
        return value

    def _conditions(self) -> list[Condition]:
        conds = [self._condition()]
        while (tok := self.peek()) is not None and tok.upper == "AND":
            self.take()
            conds.append(self._condition())
        tok = self.peek()
        if tok is not None and tok.upper == "OR":
            raise parser_error(
                f'Encountered " "OR" "OR "" at line 1, column {tok.pos + 1}. OR is not supported.'
            )
        return conds

    def _condition(self) -> Condition:
        prop = self.take()
        if prop.kind != "word":
            raise self.unexpected(prop, "<IDENTIFIER>")
        op_tok = self.take()
        if op_tok.upper in ("IN", "LIKE"):
            op = op_tok.upper
        elif op_tok.kind == "op" and op_tok.text not in ("!=", "<>"):
            op = op_tok.text
        else:
            raise self.unexpected(op_tok, "=")
        if op == "IN":
            self.expect_punct("(")
            values = [self._value()]
            while (tok := self.take()).text == ",":
                values.append(self._value())
            if tok.text != ")":
                raise self.unexpected(tok, ")")
            return Condition(prop.text, op, values)
        value = self._value()
        if op == "LIKE" and not isinstance(value, str):
            raise processing_error(f"LIKE needs a quoted string for {prop.text}")
        return Condition(prop.text, op, [value])

    def _value(self) -> Any:
        tok = self.take()
        if tok.kind == "string":
            return _unquote(tok.text)
        if tok.kind == "number":
            return Decimal(tok.text)
        if tok.upper in ("TRUE", "FALSE"):
            return tok.upper == "TRUE"
        raise self.unexpected(tok, "<STRING>")

    def _order(self) -> list[tuple[str, bool]]:
        items: list[tuple[str, bool]] = []
        while True:
            tok = self.take()
            if tok.kind != "word":
                raise self.unexpected(tok, "<IDENTIFIER>")
            desc = False
            nxt = self.peek()
            if nxt is not None and nxt.upper in ("ASC", "DESC"):
                desc = self.take().upper == "DESC"
            items.append((tok.text, desc))
            nxt = self.peek()
            if nxt is None or nxt.text != ",":
                return items
            self.take()


def parse(text: str) -> Query:
    return _Parser(text).parse()


# --- evaluation -------------------------------------------------------------------------------------------


def resolve(row: dict[str, Any], path: str) -> Any:
    """Look up `A.B` (exact keys; `canonical` fixes the case first); a reference compares by its `value`."""
    cur: Any = row
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    if isinstance(cur, dict):
        # References compare by id; email, phone and web objects by their one text field.
        for key in ("value", "Address", "FreeFormNumber", "URI"):
            if key in cur:
                return cur[key]
    return cur


def _comparable(stored: Any, literal: Any) -> tuple[Any, Any] | None:
    """Bring a stored value and a query literal to one comparable type, or None if they can't be compared."""
    if stored is None or isinstance(stored, (dict, list)):
        return None
    if isinstance(stored, bool):
        if isinstance(literal, bool):
            return stored, literal
        if isinstance(literal, str) and literal.lower() in ("true", "false"):
            return stored, literal.lower() == "true"
        return None
    if isinstance(stored, (int, float, Decimal)):
        try:
            return Decimal(str(stored)), Decimal(str(literal))
        except (InvalidOperation, ValueError):
            return None
    text = str(stored)
    lit = (
        literal
        if isinstance(literal, str)
        else str(literal).lower()
        if isinstance(literal, bool)
        else str(literal)
    )
    if _looks_like_datetime(text) and _looks_like_datetime(lit):
        a, b = wire.parse_datetime(text), wire.parse_datetime(lit)
        if a is not None and b is not None:
            return a, b
    if text.isdigit() and lit.isdigit():
        return int(text), int(lit)
    return text.casefold(), lit.casefold()


def _looks_like_datetime(text: str) -> bool:
    return len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-" and text[:4].isdigit()


def _like(pattern: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in pattern.split("%")]
    return re.compile("^" + ".*".join(parts) + "$", re.I | re.S)


def _matches(row: dict[str, Any], cond: Condition) -> bool:
    stored = resolve(row, cond.prop)
    if cond.op == "LIKE":
        return isinstance(stored, str) and bool(_like(str(cond.values[0])).match(stored))
    if cond.op == "IN":
        for lit in cond.values:
            pair = _comparable(stored, lit)
            if pair is not None and pair[0] == pair[1]:
                return True
        return False
    pair = _comparable(stored, cond.values[0])
    if pair is None:
        return False
    a, b = pair
    try:
        if cond.op == "=":
            return bool(a == b)
        if cond.op == "<":
            return bool(a < b)
        if cond.op == ">":
            return bool(a > b)
        if cond.op == "<=":
            return bool(a <= b)
        return bool(a >= b)
    except TypeError:
        return False


def sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float, Decimal)):
        return (2, Decimal(str(value)))
    text = str(value)
    if text.isdigit():
        return (3, int(text))
    if _looks_like_datetime(text) and len(text) > 10:
        parsed = wire.parse_datetime(text)
        if parsed is not None:
            return (4, parsed.timestamp())
    return (5, text.casefold())


def _prop_key(prop: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    def key(row: dict[str, Any]) -> tuple[int, Any]:
        return sort_key(resolve(row, prop))

    return key


@dataclass
class Result:
    rows: list[dict[str, Any]]
    total: int


def _active(row: dict[str, Any]) -> bool:
    return row.get("Active", True) is not False


def select(
    query: Query,
    rows: Iterable[dict[str, Any]],
    *,
    canonical: Callable[[str], str | None],
    active_default: bool,
) -> list[dict[str, Any]]:
    """All rows matching the WHERE clause (plus QBO's active-only default), in ORDERBY order."""
    conditions: list[Condition] = []
    for cond in query.where:
        prop = canonical(cond.prop)
        if prop is None:
            raise validation_error(f"property '{cond.prop}' is not queryable")
        conditions.append(Condition(prop, cond.op, cond.values))
    order: list[tuple[str, bool]] = []
    for prop, desc in query.order:
        fixed = canonical(prop)
        if fixed is None:
            raise validation_error(f"property '{prop}' is not queryable")
        order.append((fixed, desc))
    only_active = active_default and not any(c.prop == "Active" for c in conditions)
    if only_active and not conditions:
        selected = [r for r in rows if r.get("Active", True) is not False]
    elif conditions:
        selected = [
            r for r in rows if (not only_active or _active(r)) and all(_matches(r, c) for c in conditions)
        ]
    else:
        selected = list(rows)
    for prop, desc in reversed(order):
        selected.sort(key=_prop_key(prop), reverse=desc)
    return selected


def page(query: Query, selected: list[dict[str, Any]]) -> Result:
    if query.count:
        return Result([], len(selected))
    limit = min(query.max_results, MAX_RESULTS_CAP)
    start = max(query.start, 1) - 1
    return Result(selected[start : start + limit], len(selected))


def datetime_or_none(value: Any) -> datetime | None:
    return wire.parse_datetime(value) if isinstance(value, str) else None
