"""The places detector: names, variants, adjectives and cities found; false friends left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.clean.places import PLACES_VERSION, detect_places

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (
            "000_d3a34fce153d5282.txt",
            ["Japan", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"],
        ),
        # "Arab News Japan", Tokyo, North Korea, Russia, Ukraine, "Afghans"; "Central Asia" is a region, not a country.
        ("002_10c5046bec448ba0.txt", ["Afghanistan", "Japan", "North Korea", "Russia", "Ukraine"]),
    ],
)
def test_customer_seed_articles(seed: str, expected: list[str]) -> None:
    assert detect_places((CORPUS / seed).read_text("utf-8")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names and variants
        ("Talks in Kirghizia ended.", ["Kyrgyzstan"]),
        ("The Kyrgyz Republic joined.", ["Kyrgyzstan"]),
        ("The UK and the US signed.", ["United Kingdom", "United States"]),
        ("U.S. troops and U.K. officials", ["United Kingdom", "United States"]),
        ("USA Today reported", ["United States"]),
        ("Britain and Great Britain", ["United Kingdom"]),
        ("Scotland beat Wales.", ["United Kingdom"]),
        ("the Russian Federation", ["Russia"]),
        ("Burma's generals", ["Myanmar"]),
        ("Türkiye renamed itself", ["Turkey"]),
        ("the Democratic Republic of Congo", ["DR Congo"]),
        ("Côte d’Ivoire exports cocoa", ["Ivory Coast"]),
        ("Guinea-Bissau and Papua New Guinea", ["Guinea-Bissau", "Papua New Guinea"]),
        ("North Korea and South Korea", ["North Korea", "South Korea"]),
        ("Iran, Syria and Vietnam", ["Iran", "Syria", "Vietnam"]),
        ("They beat Chinese Taipei.", ["Taiwan"]),
        # adjectives and people
        ("Kyrgyz and Uzbek officials", ["Kyrgyzstan", "Uzbekistan"]),
        ("Kazakh, Tajik and Turkmen leaders", ["Kazakhstan", "Tajikistan", "Turkmenistan"]),
        ("Japanese, Russian and Ukrainian ministers", ["Japan", "Russia", "Ukraine"]),
        ("Afghan refugees and Afghans abroad", ["Afghanistan"]),
        ("North Korean missiles", ["North Korea"]),
        ("British and American troops", ["United Kingdom", "United States"]),
        ("Indian cricket fans", ["India"]),
        ("Saudi oil", ["Saudi Arabia"]),
        # capitals and major cities
        ("Ministers met in Tokyo.", ["Japan"]),
        ("Flights from Tashkent to Bishkek", ["Kyrgyzstan", "Uzbekistan"]),
        ("Astana and Almaty", ["Kazakhstan"]),
        ("Dushanbe and Ashgabat", ["Tajikistan", "Turkmenistan"]),
        ("a conference in Kiev", ["Ukraine"]),
        ("TOKYO (Reuters) - Shares rose.", ["Japan"]),
        ("Bogota and Bogotá", ["Colombia"]),
        ("Tbilisi, Georgia", ["Georgia"]),
        # possessives, curly quotes, Unicode
        ("Japan’s economy", ["Japan"]),
        ("Uzbekistan's president", ["Uzbekistan"]),
        ("“Russia” said", ["Russia"]),
        # ambiguous names where the text bears them out
        ("Russia and Georgia clashed over South Ossetia.", ["Georgia", "Russia"]),
        ("King Abdullah of Jordan met Syrian leaders.", ["Jordan", "Syria"]),
        ("Refugees crossed from Sudan into Chad.", ["Chad", "Sudan"]),
        ("Samoa, Italy, Georgia and Fiji", ["Fiji", "Georgia", "Italy", "Samoa"]),
        ("Turkey joined talks with the EU.", ["Turkey"]),
    ],
)
def test_places_found(text: str, expected: list[str]) -> None:
    assert detect_places(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Turkey the bird, China the porcelain
        ("We had roast turkey for dinner.", []),
        ("Turkey dinners cost more this Christmas.", []),
        ("the Christmas Turkey", []),
        ("She gave them fine china.", []),
        ("Bone China plates", []),
        # Georgia the US state
        ("He lives in Atlanta, Georgia.", ["United States"]),
        ("Georgia voters went to the polls.", []),
        ("Georgia’s governor signed the bill.", []),
        ("The state of Georgia sued.", []),
        ("ATHENS, Ga. - Georgia won the game.", []),
        ("Georgia Tech won.", []),
        # people
        ("Chad Smith scored twice.", []),
        ("Quarterback Chad Pennington threw.", []),
        ("Michael Jordan retired.", []),
        ("Mr Jordan said.", []),
        ("Paris Hilton arrived.", []),
        ("Florence Welch sang.", []),
        ("David and Victoria Beckham", []),
        ("Vladimir Putin spoke.", []),
        ("Jools Holland played.", []),
        ("Denzel Washington starred.", []),
        # cities named like words or people
        ("Nice weather today.", []),
        ("Reading is fun.", []),
        ("a mobile phone", []),
        ("Bath time", []),
        ("Split the bill.", []),
        ("Male nurses", []),
        ("Brent crude rose.", []),
        # US and Canadian places named after foreign cities
        ("Paris, Texas", []),
        ("London, Ontario", []),
        ("Moscow, Idaho", []),
        ("Athens, Georgia", []),
        # the pronoun, and food and names that contain a country
        ("Let us go.", []),
        ("LET US PRAY", []),
        ("a guinea pig", []),
        ("Guinea pigs are pets.", []),
        ("Turkish delight", []),
        ("French fries", []),
        ("Brussels sprouts", []),
        ("the Indian Ocean tsunami", []),
        ("American Indian tribes", []),
        ("the West Indies", []),
        ("Latin America and South America", []),
        ("New Mexico and New Jersey", []),
        ("The Brits awards", []),
        ("Korea and Congo", []),  # which Korea, which Congo: left out
    ],
)
def test_false_friends_not_found(text: str, expected: list[str]) -> None:
    assert detect_places(text) == expected


def test_display_names_are_short_sorted_and_unique() -> None:
    text = "Russian Federation, Russia, Moscow and the Russians; Iran, Syria, the USA and the UK; Türkiye."
    assert detect_places(text) == ["Iran", "Russia", "Syria", "Turkey", "United Kingdom", "United States"]


@pytest.mark.parametrize("text", ["", "   ", "\n", "no places at all here", "123 456", "<script>alert(1)</script>"])
def test_texts_without_places(text: str) -> None:
    assert detect_places(text) == []


def test_the_detector_version_is_stored_with_the_index(built_index: Path) -> None:
    """An index remembers which detector found its places, so that a new detector triggers a full rebuild."""
    from indexer.index.store import open_index

    ix = open_index(built_index)
    try:
        assert ix.schema["places"].detector_version == PLACES_VERSION
    finally:
        ix.close()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_a_sorted_unique_list(text: str) -> None:
    result = detect_places(text)
    assert result == sorted(set(result)) and all(isinstance(p, str) and p for p in result)
