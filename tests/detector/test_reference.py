import csv
import json
from importlib import resources

import pytest

from mizan.detector.reference import (
    City,
    Country,
    all_countries,
    country_by_iso2,
    find_capital,
    find_cities,
    find_city,
    find_countries,
    find_country,
    find_group,
    find_groups,
    find_places,
    great_circle_km,
    place_keys,
    region_groups,
)
from mizan.detector.reference.patterns import trie_regex
from mizan.detector.text import normalize_for_matching, normalize_with_offsets


@pytest.mark.parametrize(
    ("name", "iso2"),
    [
        ("مصر", "EG"),
        ("السعودية", "SA"),
        ("السعوديّة", "SA"),
        ("المملكة العربية السعودية", "SA"),
        ("الإمارات", "AE"),
        ("الامارات العربية المتحدة", "AE"),
        ("أمريكا", "US"),
        ("أميركا", "US"),
        ("الولايات المتحدة", "US"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("US", "US"),
        ("the United States", "US"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("بريطانيا", "GB"),
        ("المملكة المتحدة", "GB"),
        ("روسيا", "RU"),
        ("Russian Federation", "RU"),
        ("الصين", "CN"),
        ("فرنسا", "FR"),
        ("ألمانيا", "DE"),
        ("المانيا", "DE"),
        ("قطر", "QA"),
        ("الكويت", "KW"),
        ("لبنان", "LB"),
        ("سوريا", "SY"),
        ("سورية", "SY"),
        ("تركيا", "TR"),
        ("Türkiye", "TR"),
        ("كوريا الجنوبية", "KR"),
        ("North Korea", "KP"),
        ("سلطنة عمان", "OM"),
        ("فلسطين", "PS"),
        # clitics and the article
        ("والسعودية", "SA"),
        ("بالسعودية", "SA"),
        ("للسعودية", "SA"),
        ("ولبنان", "LB"),
        ("بمصر", "EG"),
        ("لمصر", "EG"),
        ("عراق", "IQ"),
        ("Egypt", "EG"),
        ("Saudi Arabia", "SA"),
        ("KSA", "SA"),
    ],
)
def test_find_country(name: str, iso2: str) -> None:
    country = find_country(name)
    assert country is not None
    assert country.iso2 == iso2


@pytest.mark.parametrize("name", ["us", "Atlantis", "الأندلس", "كوريا", "", "مدينة"])
def test_find_country_unknown_or_ambiguous(name: str) -> None:
    assert find_country(name) is None


def test_country_facts() -> None:
    egypt = find_country("مصر")
    saudi = find_country("Saudi Arabia")
    assert egypt is not None and saudi is not None
    assert egypt.name_en == "Egypt"
    assert egypt.name_ar == "مصر"
    assert egypt.capital_en == "Cairo"
    assert egypt.capital_ar == "القاهرة"
    assert egypt.region == "Africa"
    assert egypt.area_km2 == pytest.approx(1_002_450)
    assert egypt.population is not None and 80e6 < egypt.population < 120e6
    assert egypt.area_km2 / saudi.area_km2 == pytest.approx(0.47, abs=0.01)  # type: ignore[operator]


def test_corrections_are_applied() -> None:
    kazakhstan = country_by_iso2("kz")
    assert kazakhstan is not None
    assert kazakhstan.capital_en == "Astana"
    brazil = country_by_iso2("BR")
    assert brazil is not None
    assert brazil.capital_lat == pytest.approx(-15.79)
    ireland = country_by_iso2("IE")
    assert ireland is not None and ireland.population == 5_149_139


@pytest.mark.parametrize(
    ("name", "iso2"),
    [
        ("الرياض", "SA"),
        ("Riyadh", "SA"),
        ("القاهرة", "EG"),
        ("أستانا", "KZ"),
        ("Nur-Sultan", "KZ"),
        ("Washington", "US"),
        ("بيروت", "LB"),
        ("الدوحة", "QA"),
    ],
)
def test_find_capital(name: str, iso2: str) -> None:
    country = find_capital(name)
    assert country is not None
    assert country.iso2 == iso2


def test_find_capital_is_not_a_large_city() -> None:
    assert find_capital("جدة") is None
    jeddah = find_city("جدة")
    assert isinstance(jeddah, City)
    assert jeddah.iso2 == "SA" and not jeddah.is_capital


@pytest.mark.parametrize(
    ("name", "key", "members"),
    [
        ("دول الخليج", "gcc", 6),
        ("دول مجلس التعاون الخليجي", "gcc", 6),
        ("Gulf states", "gcc", 6),
        ("GCC", "gcc", 6),
        ("دول المغرب العربي", "maghreb", 5),
        ("Scandinavia", "scandinavia", 3),
        ("the EU", "eu", 27),
        ("الاتحاد الأوروبي", "eu", 27),
        ("الوطن العربي", "arab_league", 22),
    ],
)
def test_find_group(name: str, key: str, members: int) -> None:
    group = find_group(name)
    assert group is not None
    assert group.key == key
    assert len(group.members) == members


def test_city_and_group_lookups_read_the_same_names_for_their_own_kind() -> None:
    # Both take the article and Arabic clitics off (and add the article) the same way.
    assert find_city("وجدة") == find_city("جدة")
    assert find_group("ودول الخليج") == find_group("دول الخليج")
    # A name that is a group is no city, and a city is no group.
    assert find_city("دول الخليج") is None
    assert find_group("جدة") is None
    # Kuwait is a country and its capital city: the city lookup finds the city.
    kuwait = find_city("الكويت")
    assert kuwait is not None and kuwait.iso2 == "KW" and kuwait.is_capital
    assert find_group("الكويت") is None


def test_group_population_is_the_sum_of_members() -> None:
    gulf = find_group("دول الخليج")
    assert gulf is not None
    total = 0
    for iso2 in gulf.members:
        country = country_by_iso2(iso2)
        assert country is not None and country.population is not None
        total += country.population
    assert gulf.population == total
    assert 40e6 < gulf.population < 70e6
    assert {group.key for group in region_groups()} >= {"gcc", "eu", "africa", "world"}


def names_found(text: str) -> list[tuple[str, str]]:
    normalized = normalize_with_offsets(text)
    found = []
    for start, end, country in find_countries(normalized):
        original_start, original_end = normalized.span(start, end)
        found.append((text[original_start:original_end], country.iso2))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "التقى وزير خارجية مصر نظيره السعودي في الرياض",
            [("مصر", "EG")],
        ),
        (
            "وقعت الإمارات وفرنسا اتفاقا، وانضمت إليه الولايات المتحدة الأمريكية",
            [("الإمارات", "AE"), ("فرنسا", "FR"), ("الولايات المتحدة الأمريكية", "US")],
        ),
        ("صدّرت الشركة النفط للسعودية وبالكويت", [("لسعودية", "SA"), ("الكويت", "KW")]),
        (
            "The US and the UK told us that Saudi Arabia and the U.S. agreed",
            [("US", "US"), ("UK", "GB"), ("Saudi Arabia", "SA"), ("U.S.", "US")],
        ),
        ("Wildfires in New Mexico and New Jersey spread", []),
        ("قدّم الدعم المالي للأسر في بنين وبنات", []),
        ("زار الوفد سلطنة عمان ثم جمهورية مالي", [("سلطنة عمان", "OM"), ("جمهورية مالي", "ML")]),
    ],
)
def test_find_countries_in_text(text: str, expected: list[tuple[str, str]]) -> None:
    assert names_found(text) == expected


def test_find_countries_on_a_plain_string_skips_case_sensitive_aliases() -> None:
    text = normalize_for_matching("The US and Egypt")
    assert [country.iso2 for _s, _e, country in find_countries(text)] == ["EG"]


def test_find_places_kinds() -> None:
    text = normalize_with_offsets("المسافة بين القاهرة وجدة، وسكان دول الخليج، وتونس")
    places = find_places(text)
    assert [place.text for place in places] == ["القاهره", "جده", "دول الخليج", "تونس"]
    assert places[0].city is not None and places[0].country is None
    assert places[2].group is not None and places[2].group.key == "gcc"
    # Tunis and Tunisia share a name.
    assert places[3].country is not None and places[3].city is not None
    assert [group.key for _s, _e, group in find_groups(text)] == ["gcc"]
    assert [city.name_en for _s, _e, city in find_cities(text)] == ["Cairo", "Jeddah", "Tunis"]


def test_find_places_in_a_range() -> None:
    text = normalize_with_offsets("مصر ولبنان وقطر")
    cut = text.text.index("قطر")
    assert [place.text for place in find_places(text, 0, cut)] == ["مصر", "لبنان"]


def test_amman_is_not_oman_in_arabic_text() -> None:
    places = find_places(normalize_with_offsets("وصل الوفد إلى عمان"))
    assert len(places) == 1
    assert places[0].country is not None and places[0].country.iso2 == "OM"
    assert places[0].city is None


@pytest.mark.parametrize(
    ("first", "second", "low", "high"),
    [
        ("القاهرة", "الرياض", 1600, 1680),
        ("London", "Paris", 330, 360),
        ("جدة", "الرياض", 820, 870),
        ("Washington", "Moscow", 7800, 7900),
    ],
)
def test_great_circle_km(first: str, second: str, low: float, high: float) -> None:
    a, b = find_city(first), find_city(second)
    assert a is not None and b is not None
    distance = great_circle_km(a, b)
    assert low < distance < high
    assert great_circle_km(b, a) == pytest.approx(distance)


def test_great_circle_km_accepts_countries_and_pairs() -> None:
    egypt, saudi = find_country("مصر"), find_country("السعودية")
    assert isinstance(egypt, Country) and isinstance(saudi, Country)
    assert great_circle_km(egypt, saudi) == pytest.approx(
        great_circle_km((egypt.capital_lat, egypt.capital_lon), (24.631969, 46.715065)),  # type: ignore[arg-type]
        abs=1.0,
    )
    assert great_circle_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(20015, rel=0.001)


def test_shipped_json_is_complete() -> None:
    document = json.loads(
        resources.files("mizan.detector.reference").joinpath("countries.json").read_text("utf-8")
    )
    assert set(document["sources"]) >= {"countryinfo", "pycountry"}
    countries = all_countries()
    assert len(countries) > 200
    with_data = [c for c in countries if c.area_km2 and c.population and c.capital_lat]
    assert len(with_data) > 190
    assert all(len(c.iso2) == 2 and c.iso2.isupper() for c in countries)


def test_aliases_csv_names_real_countries() -> None:
    path = resources.files("mizan.detector.reference").joinpath("aliases.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["field"] for row in rows} <= {
        "name",
        "alias",
        "exclude",
        "capital",
        "capital_alias",
    }
    for row in rows:
        assert country_by_iso2(row["iso2"]) is not None, row


def test_trie_regex_prefers_longer_words() -> None:
    import re

    pattern = re.compile(trie_regex(["دول الخليج", "دول", "the gulf", "the"]))
    assert pattern.match("دول الخليج").group() == "دول الخليج"  # type: ignore[union-attr]
    assert pattern.match("دول أخرى").group() == "دول"  # type: ignore[union-attr]
    assert pattern.match("the  gulf").group() == "the  gulf"  # type: ignore[union-attr]
    assert re.compile(trie_regex([])).search("anything") is None


def test_place_keys_hold_every_name_the_place_pattern_finds() -> None:
    keys = set(place_keys())
    text = normalize_for_matching("زار الوفد للرياض ثم القاهرة وسافر بعدها إلى Kenya والمغرب")
    found = [text[mention.start : mention.end] for mention in find_places(text)]
    assert len(found) >= 4
    for name in found:
        stripped = name[1:] if name.startswith(("و", "ب", "ل")) and name[1:] in keys else name
        assert stripped in keys or name in keys, name
