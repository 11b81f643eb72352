"""trafilatura's XPath expressions rewritten to select the same elements at a fraction of the cost.

trafilatura finds boilerplate with XPath expressions such as ``.//*[self::div or self::section][re:test(@class,
'share|social|^nav')]``. A few things make them slow in libxml2, and each can be rewritten without changing what
they select:

* ``re:test`` (EXSLT regular expressions) calls back into Python for every element tested, with or without the
  attribute. Most of trafilatura's patterns are alternations of plain words, some anchored at the start, a few
  with an optional character or a small class (``bread-?crumb``, ``dfp[Aa]d``): each such alternative becomes
  ``contains(ARG, 'word')`` or ``starts-with(ARG, 'word')``, which libxml2 answers itself (both take the string
  value of ARG's first node, as ``re:test`` does). What cannot be spelled so (a lookahead, an end anchor) stays
  a regular expression, tested only where the attribute exists when its pattern cannot match an empty string.
  On a single attribute the tests are asked of the attribute node (``@class[contains(., 'a') or ...]``): it is
  looked up once, not once per test.
* ``.//*[self::div or self::section]`` tests every element's name in a predicate; ``(.//div|.//section)``
  selects the same elements in the same (document) order from libxml2's name test. Not done where a position
  (``[1]``, ``position()``, ``last()``) would change meaning.
* ``(.//*[...])[1]`` (the first in document order) becomes ``descendant::*[...][1]``, at which libxml2 stops
  testing once it has found one; so does ``.//*[...][1]`` for a caller that reads the first element alone.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Iterator
from itertools import product

_RE_TEST = re.compile(r"re:test\((@[\w|@-]+),\s*'([^']*)'(?:,\s*'([^']*)')?\)")
_SELF_TESTS = re.compile(r"^\s*\.//\*\[((?:self::\w+(?: or )?)+)\]")
_POSITIONAL = re.compile(r"position\(|last\(|\[\s*\d")
_MAX_SPELLINGS = 8  # words one alternative may expand to (an optional character doubles them)
# Past a few words, one regular expression beats libxml2's string functions: each contains() reads the
# attribute again.
_MAX_NATIVE = 4


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (split at ``|`` outside groups and classes)."""
    parts, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1 if i + 1 < len(pattern) and pattern[i + 1] == "]" else 0
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def _spellings(items: list) -> list[str] | None:
    """Every string a sequence of pattern items matches, if they are few and fixed; else None."""
    spelled = [""]
    for op, arg in items:
        if op is sre.LITERAL:
            options = [chr(arg)]
        elif op is sre.IN and all(sub_op is sre.LITERAL for sub_op, _ in arg):
            options = [chr(c) for _, c in arg]
        elif op is sre.MAX_REPEAT and arg[0] == 0 and arg[1] == 1:
            inner = _spellings(list(arg[2]))
            options = None if inner is None else ["", *inner]
        elif op is sre.SUBPATTERN:
            options = _spellings(list(arg[3]))
        elif op is sre.BRANCH:
            branches = [_spellings(list(b)) for b in arg[1]]
            options = None if any(b is None for b in branches) else [s for b in branches for s in b]  # type: ignore[union-attr]
        else:
            return None
        if options is None:
            return None
        spelled = ["".join(p) for p in product(spelled, options)]
        if len(spelled) > _MAX_SPELLINGS:
            return None
    return spelled


def _words(alternative: str) -> tuple[bool, list[str]] | None:
    """(anchored at the start, the words) one top-level alternative is made of, or None if it is not so simple."""
    try:
        items = list(sre_parse.parse(alternative))
    except re.error:
        return None
    anchored = bool(items) and items[0] == (sre.AT, sre.AT_BEGINNING)
    words = _spellings(items[1:] if anchored else items)
    if not words or any(not w or "'" in w for w in words):
        return None
    return anchored, words


def _distributed(alternative: str) -> list[str]:
    """``^(?:a|b)`` as ``^a`` and ``^b``, so that each can be spelled on its own; other alternatives as they are."""
    if alternative.startswith("^(?:") and alternative.endswith(")"):
        inner = _alternatives(alternative[4:-1])
        if all(_balanced(part) for part in inner):
            return [f"^{part}" for part in inner]
    return [alternative]


def _balanced(part: str) -> bool:
    """Whether a piece of pattern closes every group it opens (and none it does not)."""
    try:
        sre_parse.parse(part)
    except re.error:
        return False
    return True


def _literal(alternative: str) -> str | None:
    """The longest run of plain characters every match of the alternative holds, if it has three or more."""
    try:
        items = list(sre_parse.parse(alternative))
    except re.error:
        return None
    runs, run = [], ""
    for op, arg in items:
        if op is sre.LITERAL:
            run += chr(arg)
        else:
            runs.append(run)
            run = ""
    best = max([*runs, run], key=len)
    return best if len(best) >= 3 and "'" not in best else None


def native_test(arg: str, pattern: str, flags: str = "") -> str:
    """An XPath boolean equal to ``re:test(arg, 'pattern', 'flags')``, with as little of it left a regex as can be.

    On one attribute (``@class``), the tests are asked of the attribute node, ``@class[contains(., 'a') or ...]``:
    libxml2 looks the attribute up once instead of once per test, and a missing attribute ends the test at once
    (every test left is false on the empty string a missing attribute gives).
    """
    original = f"re:test({arg}, '{pattern}'" + (f", '{flags}')" if flags else ")")
    if re.search(pattern, "", re.IGNORECASE if "i" in flags else 0) is not None:
        return original  # a pattern a missing attribute (the empty string) matches
    one = _ONE_ATTRIBUTE.fullmatch(arg) is not None
    subject = "." if one else arg
    if flags:
        tests = [f"re:test({subject}, '{pattern}', '{flags}')"]  # case folding: no plain words
    else:
        tests = _native_tests(subject, pattern)
    if one:
        return f"{arg}[{' or '.join(tests)}]"
    if len(tests) == 1 and tests[0].startswith("re:test("):
        return f"(({arg}) and {tests[0]})"
    return "(" + " or ".join(tests) + ")"


_ONE_ATTRIBUTE = re.compile(r"@[\w-]+")


def _native_tests(arg: str, pattern: str) -> list[str]:
    """Tests of ``arg`` any of which is true where the (case-sensitive) pattern matches."""
    tests, rest = [], []
    for alternative in (a for top in _alternatives(pattern) for a in _distributed(top)):
        found = _words(alternative)
        if found is None:
            rest.append(alternative)
            continue
        function = "starts-with" if found[0] else "contains"
        tests.extend(f"{function}({arg}, '{w}')" for w in found[1])
    if len(tests) > _MAX_NATIVE:
        return [f"re:test({arg}, '{pattern}')"]
    if rest:
        literals = [_literal(a) for a in rest]
        # a regex that needs a word first asks libxml2 for the word: the call into Python is made only then
        regex = f"re:test({arg}, '{'|'.join(rest)}')"
        if all(literals):
            guard = " or ".join(f"contains({arg}, '{w}')" for w in literals)
            tests.append(f"(({guard}) and {regex})")
        else:
            tests.append(regex if arg == "." else f"(({arg}) and {regex})")
    return tests


def _unquoted(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of ``text`` from ``start`` outside quoted strings, with the bracket depth after it."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
            continue
        if char in "'\"":
            quote = char
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        yield i, char, depth


def _closing(text: str, start: int) -> int:
    """The index of the bracket closing the one at ``start`` (quoted strings skipped), or -1."""
    return next((i for i, char, depth in _unquoted(text, start) if char in ")]" and not depth), -1)


def _predicates(text: str) -> bool:
    """Whether ``text`` is a run of predicates (``[...][...]``), none of them positional."""
    text, i = text.strip(), 0
    while i < len(text):
        end = _closing(text, i) if text[i] == "[" else -1
        if end < 0:
            return False
        i = end + 1
        while i < len(text) and text[i].isspace():
            i += 1
    return not _POSITIONAL.search(text)


_DESCENDANTS = re.compile(r"\.//([\w*]+)")


def _first_one(part: str, first_only: bool) -> str:
    """``(.//x[p])[1]`` (and, when only the first element is read, ``.//x[p][1]``) as ``descendant::x[p][1]``.

    The same first element, and libxml2 stops at it: a path's ``[1]`` after a step is asked per parent, over the
    whole tree, and the parentheses do not let libxml2 stop early either.
    """
    text = part.strip()
    if text.startswith("(") and (name := _DESCENDANTS.match(text, 1)):
        close = _closing(text, 0)
        if close > 0 and text[close + 1 :].strip() == "[1]" and _predicates(text[name.end() : close]):
            return f"descendant::{name.group(1)}{text[name.end() : close].strip()}[1]"
    elif first_only and (name := _DESCENDANTS.match(text)) and text.endswith("[1]"):
        if _predicates(text[name.end() : -3]):
            return f"descendant::{name.group(1)}{text[name.end() :]}"
    return part


def _union_parts(path: str) -> list[str]:
    """A path split at its top-level ``|``."""
    parts, start = [], 0
    for i, char, depth in _unquoted(path):
        if char == "|" and not depth:
            parts.append(path[start:i])
            start = i + 1
    return [*parts, path[start:]]


def faster_xpath(path: str, first_only: bool = False) -> str:
    """An XPath expression selecting the same elements as trafilatura's ``path``, faster (see the module).

    ``first_only``: the caller reads the first element only (in document order), and gets the same one.
    """
    path = _RE_TEST.sub(lambda m: native_test(m.group(1), m.group(2), m.group(3) or ""), path)
    tests = _SELF_TESTS.match(path)
    if _POSITIONAL.search(path):
        return "|".join(_first_one(part, first_only) for part in _union_parts(path))
    if tests is None:
        return path
    names = re.findall(r"self::(\w+)", tests.group(1))
    return "(" + "|".join(f".//{name}" for name in names) + ")" + path[tests.end() :]
