"""Offline reference facts about countries, capitals, large cities and region groups.

Built by ``detector/reference/build.py`` from the maintained packages ``countryinfo`` and
``pycountry`` (with its Arabic ISO 3166 catalogue) plus small shipped CSV files; see
``PROVENANCE.md``. At run time only ``countries.json`` is read, once.

Areas and populations are about ten years old (countryinfo); they are meant for checking
ratios and orders of magnitude with a tolerance, not for exact figures.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

from mizan.detector.reference.patterns import trie_regex
from mizan.detector.text import NormalizedText, normalize_for_matching

EARTH_RADIUS_KM = 6371.0088

_Found = TypeVar("_Found")


@dataclass(frozen=True)
class Country:
    """A country with its reference facts (area in km², population about 2015)."""

    iso2: str
    name_en: str
    name_ar: str
    area_km2: float | None
    population: int | None
    capital_en: str | None
    capital_ar: str | None
    capital_lat: float | None
    capital_lon: float | None
    region: str | None
    subregion: str | None = None


@dataclass(frozen=True)
class RegionGroup:
    """A named group of countries ("دول الخليج", "the EU") with summed facts."""

    key: str
    name_en: str
    name_ar: str
    members: tuple[str, ...]
    population: int
    area_km2: float


@dataclass(frozen=True)
class City:
    """A capital or a large city with coordinates."""

    name_en: str
    name_ar: str | None
    iso2: str
    lat: float
    lon: float
    is_capital: bool


@dataclass(frozen=True)
class PlaceMention:
    """A place name found in normalised text; a name may be a country and a city at once."""

    start: int
    end: int
    text: str
    country: Country | None = None
    group: RegionGroup | None = None
    city: City | None = None


Location = tuple[float, float] | Country | City


@dataclass(frozen=True)
class _Entry:
    country: str | None = None
    group: str | None = None
    city: int | None = None


_Record = TypeVar("_Record", Country, RegionGroup, City)


def _from_record(kind: type[_Record], record: Mapping[str, Any], **values: Any) -> _Record:
    """Build ``kind`` from the JSON record's keys of its field names (``values`` override)."""
    named = {item.name: record[item.name] for item in fields(kind) if item.name not in values}
    return kind(**named, **values)


class _Reference:
    """The loaded JSON with lookup tables and the gazetteer pattern."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.countries: dict[str, Country] = {}
        self.groups: dict[str, RegionGroup] = {}
        self.cities: list[City] = []
        self.country_names: dict[str, str] = {}
        self.case_sensitive: set[str] = set()
        entries: dict[str, _Entry] = {}
        excluded: set[str] = set()

        def add(name: str, **target: Any) -> None:
            key = _key(name)
            if not key:
                return
            if name.isupper() and len(name) <= 2:
                # "US" must not match the pronoun "us".
                self.case_sensitive.add(key)
            current = entries.get(key, _Entry())
            entries[key] = _Entry(
                country=target.get("country", current.country),
                group=target.get("group", current.group),
                city=target.get("city", current.city),
            )

        for record in document["countries"]:
            country = _from_record(Country, record)
            self.countries[country.iso2] = country
            for name in (*record["names_en"], *record["names_ar"]):
                self.country_names[_key(name)] = country.iso2
                add(name, country=country.iso2)
            excluded.update(_key(name) for name in record["excluded_names"])
        for record in document["groups"]:
            group = _from_record(RegionGroup, record, members=tuple(record["members"]))
            self.groups[group.key] = group
            for name in (group.name_en, group.name_ar, *record["names_en"], *record["names_ar"]):
                add(name, group=group.key)
        for index, record in enumerate(document["cities"]):
            self.cities.append(_from_record(City, record))
            for name in record["names"]:
                add(name, city=index)
        self.capital_names = {
            _key(name): index
            for index, city in enumerate(self.cities)
            if city.is_capital
            for name in (city.name_en, city.name_ar or "")
            if name
        }
        self.entries = {key: entry for key, entry in entries.items() if key not in excluded}
        self.all_entries = entries
        # "السعودية" after the preposition ل is written "للسعودية": index the form without
        # the first alef too, valid only after that ل.
        self.after_lam = {
            key[1:]: key
            for key in self.entries
            if key.startswith("ال") and len(key) > 3 and key[1:] not in self.entries
        }
        self.pattern = re.compile(
            # "New Mexico" and "New Jersey" are not Mexico and Jersey.
            r"(?<![\w])(?<!new )(?P<prefix>[وف]?[بلك]?)(?P<name>"
            + trie_regex([*self.entries, *self.after_lam])
            + r")(?![\w])"
        )

    def country_of(self, entry: _Entry) -> Country | None:
        """Return the country an entry names, if any."""
        return self.countries[entry.country] if entry.country else None

    def group_of(self, entry: _Entry) -> RegionGroup | None:
        """Return the region group an entry names, if any."""
        return self.groups[entry.group] if entry.group else None

    def city_of(self, entry: _Entry) -> City | None:
        """Return the city an entry names, if any."""
        return self.cities[entry.city] if entry.city is not None else None


def _key(name: str) -> str:
    key = normalize_for_matching(name).strip()
    key = re.sub(r"\s+", " ", key)
    return key[4:] if key.startswith("the ") else key


@lru_cache(maxsize=1)
def _reference() -> _Reference:
    path = resources.files("mizan.detector.reference").joinpath("countries.json")
    return _Reference(json.loads(path.read_text(encoding="utf-8")))


def place_keys() -> tuple[str, ...]:
    """Return every normalised name the place pattern of :func:`find_places` matches.

    The names as listed, and the forms read after a glued ``ل`` that drops the article's
    alif (``للرياض``); a caller can learn from them which words can open a place name.
    """
    reference = _reference()
    return (*reference.entries, *reference.after_lam)


def _name_candidates(name: str) -> list[str]:
    """Return lookup keys for ``name`` with Arabic clitics and the article tried off and on."""
    key = _key(name)
    candidates = [key]
    for prefix in ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك"):
        if key.startswith(prefix) and len(key) > len(prefix) + 2:
            rest = key[len(prefix) :]
            candidates.append(rest)
            if prefix.endswith("ل") and rest.startswith("ل"):
                candidates.append("ا" + rest)
    for candidate in list(candidates):
        if candidate.startswith("ال"):
            candidates.append(candidate[2:])
        elif re.match("[\u0621-\u064a]", candidate):
            candidates.append("ال" + candidate)
    return candidates


def _case_ok(reference: _Reference, key: str, original: str) -> bool:
    return key not in reference.case_sensitive or original.strip().isupper()


def find_country(name: str) -> Country | None:
    """Return the country called ``name`` in English or Arabic, or ``None``.

    Accepts common aliases ("USA", "UK", "أمريكا", "بريطانيا"), the official names, and
    Arabic forms with the article or a clitic ("السعودية", "والسعودية", "للسعودية").
    """
    reference = _reference()
    for candidate in _name_candidates(name):
        iso2 = reference.country_names.get(candidate)
        if iso2 and _case_ok(reference, candidate, name):
            return reference.countries[iso2]
    return None


def find_capital(name: str) -> Country | None:
    """Return the country whose capital is called ``name`` ("الرياض", "Cairo"), or ``None``."""
    reference = _reference()
    for candidate in _name_candidates(name):
        index = reference.capital_names.get(candidate)
        if index is None:
            entry = reference.all_entries.get(candidate)
            index = entry.city if entry else None
            if index is not None and not reference.cities[index].is_capital:
                index = None
        if index is not None:
            return reference.countries.get(reference.cities[index].iso2)
    return None


def _find_named(name: str, resolve: Callable[[_Reference, _Entry], _Found | None]) -> _Found | None:
    """Return what the first lookup key of ``name`` names, read from its entry by ``resolve``.

    The one lookup behind :func:`find_city` and :func:`find_group`: every key of
    :func:`_name_candidates` is tried in turn, excluded names included (``all_entries``).
    """
    reference = _reference()
    for candidate in _name_candidates(name):
        entry = reference.all_entries.get(candidate)
        found = resolve(reference, entry) if entry else None
        if found is not None:
            return found
    return None


def find_city(name: str) -> City | None:
    """Return the capital or large city called ``name`` ("جدة", "Riyadh"), or ``None``."""
    return _find_named(name, _Reference.city_of)


def find_group(name: str) -> RegionGroup | None:
    """Return the region group called ``name`` ("دول الخليج", "the EU"), or ``None``."""
    return _find_named(name, _Reference.group_of)


def country_by_iso2(iso2: str) -> Country | None:
    """Return the country with ISO 3166-1 alpha-2 code ``iso2``, or ``None``."""
    return _reference().countries.get(iso2.upper())


def all_countries() -> tuple[Country, ...]:
    """Return every country in the reference data."""
    return tuple(_reference().countries.values())


def region_groups() -> tuple[RegionGroup, ...]:
    """Return every region group in the reference data."""
    return tuple(_reference().groups.values())


def find_places(
    text: str | NormalizedText, start: int = 0, end: int | None = None
) -> list[PlaceMention]:
    """Return country, region-group and city names in normalised ``text[start:end]``.

    Offsets are into the normalised text. Pass the :class:`NormalizedText` itself to let
    short upper-case aliases ("US") match; with a plain string they are skipped, because
    the normalised text is lower-cased and "us" is also a pronoun.
    """
    reference = _reference()
    normalized = text.text if isinstance(text, NormalizedText) else text
    end = len(normalized) if end is None else end
    mentions: list[PlaceMention] = []
    for match in reference.pattern.finditer(normalized, start, end):
        key = re.sub(r"\s+", " ", match.group("name"))
        if key in reference.after_lam:
            if not match.group("prefix").endswith("ل"):
                continue
            key = reference.after_lam[key]
        entry = reference.entries.get(key)
        if entry is None:
            continue
        if key in reference.case_sensitive:
            if not isinstance(text, NormalizedText):
                continue
            start, end = text.span(match.start("name"), match.end("name"))
            if not text.original[start:end].isupper():
                continue
        mentions.append(
            PlaceMention(
                start=match.start("name"),
                end=match.end("name"),
                text=key,
                country=reference.country_of(entry),
                group=reference.group_of(entry),
                city=reference.city_of(entry),
            )
        )
    return mentions


def _mentions_of(
    text: str | NormalizedText, place: Callable[[PlaceMention], _Found | None]
) -> list[tuple[int, int, _Found]]:
    """Return ``(start, end, place(mention))`` for each place mention where that is set."""
    found = ((mention, place(mention)) for mention in find_places(text))
    return [(mention.start, mention.end, item) for mention, item in found if item is not None]


def find_countries(text: str | NormalizedText) -> list[tuple[int, int, Country]]:
    """Return ``(start, end, country)`` for each country name in normalised ``text``."""
    return _mentions_of(text, lambda mention: mention.country)


def find_groups(text: str | NormalizedText) -> list[tuple[int, int, RegionGroup]]:
    """Return ``(start, end, group)`` for each region-group name in normalised ``text``."""
    return _mentions_of(text, lambda mention: mention.group)


def find_cities(text: str | NormalizedText) -> list[tuple[int, int, City]]:
    """Return ``(start, end, city)`` for each capital or large-city name in normalised ``text``."""
    return _mentions_of(text, lambda mention: mention.city)


def coordinates(place: Location) -> tuple[float, float] | None:
    """Return ``(lat, lon)`` of a place: a city, a country's capital, or a coordinate pair."""
    if isinstance(place, City):
        return place.lat, place.lon
    if isinstance(place, Country):
        if place.capital_lat is None or place.capital_lon is None:
            return None
        return place.capital_lat, place.capital_lon
    return place


def great_circle_km(a: Location, b: Location) -> float:
    """Return the great-circle distance in km between two places (countries: their capitals).

    Raises:
        ValueError: If a country has no capital coordinates.
    """
    first, second = coordinates(a), coordinates(b)
    if first is None or second is None:
        raise ValueError("both places need coordinates")
    lat1, lon1 = map(math.radians, first)
    lat2, lon2 = map(math.radians, second)
    haversine = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(haversine)))


__all__ = [
    "City",
    "Country",
    "Location",
    "PlaceMention",
    "RegionGroup",
    "all_countries",
    "coordinates",
    "country_by_iso2",
    "find_capital",
    "find_cities",
    "find_city",
    "find_countries",
    "find_country",
    "find_group",
    "find_groups",
    "find_places",
    "great_circle_km",
    "place_keys",
    "region_groups",
]
