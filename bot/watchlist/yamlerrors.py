"""The YAML parser's common errors, said in one plain sentence with the fix.

PyYAML (and libyaml, whose messages differ) reports "found character that cannot start any
token" for a tab, an ``@`` and a backtick alike, and "mapping values are not allowed here" one
line after a missing colon. :func:`friendly` looks at the text around the parser's marks to say
which mistake it is, and points at the line to change. Anything it does not recognise keeps the
parser's own words after "YAML syntax:".
"""

from __future__ import annotations

import re

import yaml

from bot.watchlist.schema import Mark, Problem

RESERVED = frozenset("@`")
KEY_WITHOUT_COLON = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"][^:#]*?)\s*$")


def friendly(file: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """One problem for a parser error: a plain sentence at the line and column to change."""
    lines = text.splitlines() or [""]
    problem = exc.problem or ""
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    char = _char(lines, line, column)
    if "cannot start any token" in problem and char == "\t":
        return _tab(file, lines, line, column)
    if "cannot start any token" in problem and char in RESERVED:
        token = _token(lines[line], column)
        return Problem(Mark(file, line + 1, column + 1),
                       f"a value cannot start with '{char}': YAML reserves that character; put the value in "
                       f"quotes: \"{token}\"")
    if "quoted scalar" in context and exc.context_mark is not None:
        opened = exc.context_mark
        quote = _char(lines, opened.line, opened.column)
        kind = "double" if quote == '"' else "single"
        return Problem(Mark(file, opened.line + 1, opened.column + 1),
                       f"the {kind} quote ({quote}) opened here is never closed: add the closing {quote} "
                       "at the end of the value")
    if "mapping values are not allowed" in problem:
        return _missing_colon(file, lines, line, column)
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return _indentation(file, lines, line, exc.context_mark)
    detail = " ".join(s for s in (context, problem) if s)
    return Problem(Mark(file, line + 1, column + 1), f"YAML syntax: {detail}")


def _char(lines: list[str], line: int, column: int) -> str:
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def _token(line: str, column: int) -> str:
    match = re.match(r"[^\s,\]}#]+", line[column:])
    return match[0] if match else line[column]


def _tab(file: str, lines: list[str], line: int, column: int) -> Problem:
    where = Mark(file, line + 1, column + 1)
    if not lines[line][:column].strip():
        return Problem(where, "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces")
    return Problem(where, "a tab character where YAML expects a value: replace it with a space")


def _missing_colon(file: str, lines: list[str], line: int, column: int) -> Problem:
    """The ':' on ``line`` is unexpected; usually the key above it lacks its own colon."""
    above = next((n for n in range(line - 1, -1, -1) if lines[n].strip() and not lines[n].lstrip().startswith("#")),
                 None)
    match = KEY_WITHOUT_COLON.match(lines[above]) if above is not None else None
    if above is not None and match and ":" not in lines[above]:
        key, _, rest = match[2].partition(" ")
        fixed = f"{key}: {rest}" if rest else f"{key}:"
        start = len(match[1])
        return Problem(Mark(file, above + 1, start + 1),
                       f"missing ':' after the key '{key}': write '{fixed}'")
    return Problem(Mark(file, line + 1, column + 1),
                   "a ':' where YAML does not expect a key: if the colon belongs to the value, put the value "
                   "in quotes (\"12:30\"); otherwise check this line's indentation")


def _indentation(file: str, lines: list[str], line: int, opened: yaml.Mark | None) -> Problem:
    row = lines[line] if line < len(lines) else ""
    column = len(row) - len(row.lstrip(" "))
    if opened is None:
        return Problem(Mark(file, line + 1, column + 1),
                       "wrong indentation: line this entry up with the other entries of its list or mapping")
    return Problem(Mark(file, line + 1, column + 1),
                   f"wrong indentation: this line starts at column {column + 1}, but the entries of the block that "
                   f"begins on line {opened.line + 1} start at column {opened.column + 1}; indent it exactly like "
                   "the entry it belongs with")
