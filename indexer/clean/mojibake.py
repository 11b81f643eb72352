"""A cheap, exact precheck for ftfy's mojibake detector: text without any of its signature characters is clean.

ftfy's detector (``ftfy.badness.BADNESS_RE``) is one large regular expression whose every alternative needs at
least one character from a small class (a C1 control, a currency sign after an accented letter, a box-drawing
character, ...). Gathering one such class per alternative from the compiled pattern gives a set of a few hundred
characters that any match must contain: a text holding none of them cannot be mojibake, and a one-class search
over it costs a small part of the detector's search. English text with curly quotes and dashes passes the check
without running the detector; accented, Cyrillic or Greek text still goes through it.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from functools import cache

from ftfy.badness import BADNESS_RE, is_bad


def _class_of(item: tuple[object, object]) -> frozenset[int] | None:
    """The code points a pattern item matches when it is a literal or a plain (not negated) class, else None."""
    op, arg = item
    if op is sre.LITERAL:
        return frozenset((arg,))  # type: ignore[arg-type]
    if op is not sre.IN:
        return None
    found: set[int] = set()
    for sub_op, sub_arg in arg:  # type: ignore[attr-defined]
        if sub_op is sre.LITERAL:
            found.add(sub_arg)
        elif sub_op is sre.RANGE:
            found.update(range(sub_arg[0], sub_arg[1] + 1))
        else:  # a negated set or a category (\w, \s): not a small class
            return None
    return frozenset(found)


def signature(pattern: re.Pattern[str]) -> list[list[frozenset[str]]] | None:
    """Per alternative of the pattern's top-level branch, the character classes a match must draw from.

    Only mandatory (unrepeated) literals and plain classes that hold no ASCII character are kept: a text that
    lacks a character of any one of an alternative's classes cannot match that alternative. None when some
    alternative has no such class (nothing can then be ruled out).
    """
    if pattern.flags & re.IGNORECASE:
        return None
    parsed = list(sre_parse.parse(pattern.pattern, pattern.flags))
    alternatives = parsed[0][1][1] if len(parsed) == 1 and parsed[0][0] is sre.BRANCH else [parsed]
    found = []
    for alternative in alternatives:
        classes = [frozenset(map(chr, c)) for c in map(_class_of, alternative) if c and min(c) >= 128]
        if not classes:
            return None
        found.append(classes)
    return found


@cache
def _signature() -> tuple[re.Pattern[str], list[list[frozenset[str]]]] | None:
    alternatives = signature(BADNESS_RE)
    if alternatives is None:
        return None
    chars = sorted({c for classes in alternatives for cls in classes for c in cls})
    return re.compile("[" + "".join(map(re.escape, chars)) + "]"), alternatives


def looks_bad(text: str) -> bool:
    """Whether ftfy's detector sees mojibake in ``text``: its answer, skipped when no alternative can match."""
    found = _signature()
    if found is not None:
        search, alternatives = found
        present = set(search.findall(text))
        if not any(all(cls & present for cls in classes) for classes in alternatives):
            return False
    return is_bad(text)
