"""Regenerate ``countries.json`` from countryinfo, pycountry and the shipped CSV files.

The runtime reads only the JSON; this script is run by hand when a source changes::

    python -m mizan.detector.reference.build

Sources, in order of precedence (later wins):

1. ``countryinfo``: English names, alternative spellings, area, population (about 2015),
   capital and capital coordinates, region.
2. ``pycountry``: ISO 3166-1 codes and names, and the Arabic names from its gettext
   catalogue (``iso3166-1``, locale ``ar``).
3. ``aliases.csv``: Arabic display names, common Arabic and English aliases, Arabic
   capital names, and names never to match in running text.
4. ``corrections.csv``: fixes to dated or wrong countryinfo values.
5. ``groups.csv`` and ``cities.csv``: region groups and a few large non-capital cities.
"""

from __future__ import annotations

import csv
import gettext
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from mizan.detector.text import normalize_for_matching, strip_diacritics

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "countries.json"

# Capitals of countries with fewer people are rarely named in news, and many of their names
# are ordinary words (Victoria, Male, Hamilton, Stanley).
CAPITAL_GAZETTEER_MIN_POPULATION = 1_000_000
EXCLUDED_CITY_NAMES = frozenset({"city of victoria", "victoria", "male", "kingston"})

# Name sources from most to least trusted; a name claimed by two countries at the same
# level is ambiguous ("كوريا") and dropped, otherwise the more trusted source keeps it.
PRIORITY_SHIPPED = 0
PRIORITY_PRIMARY = 1
PRIORITY_OFFICIAL = 2
PRIORITY_ALTERNATIVE = 3

_LATIN_ONLY = re.compile(r"^[A-Za-z\u00c0-\u024f .,'\-’()]+$")


def _read_csv(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _clean_arabic(name: str) -> str:
    return re.sub(r"\s+", " ", strip_diacritics(name)).strip()


def _arabic_parts(name: str) -> Iterator[str]:
    """Split a pycountry Arabic name ("إيران، الجمهورية...", "المجر (هنغاريا)") into names."""
    for part in re.split(r"[،,]", name):
        inner = re.findall(r"\(([^)]*)\)", part)
        outer = re.sub(r"\([^)]*\)", "", part)
        for piece in (outer, *inner):
            cleaned = _clean_arabic(piece)
            if cleaned:
                yield cleaned


def _english_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    return name[4:] if name.lower().startswith("the ") else name


def _pick_countryinfo_entries() -> dict[str, dict[str, Any]]:
    """Return one countryinfo record per ISO alpha-2 code, the most complete one."""
    from countryinfo import all_countries  # a tool of this script only (dev extra)

    best: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
    for entry in all_countries():
        info: dict[str, Any] = dict(entry.info())
        iso2 = ((info.get("ISO") or {}).get("alpha2") or "").upper()
        if len(iso2) != 2:
            continue
        completeness = (
            int(bool(info.get("area"))) + int(bool(info.get("population"))),
            int(bool(info.get("capital_latlng"))),
        )
        if iso2 not in best or completeness > best[iso2][0]:
            best[iso2] = (completeness, info)
    return {iso2: info for iso2, (_score, info) in best.items()}


def _capital_coordinates(info: dict[str, Any]) -> tuple[float | None, float | None]:
    coordinates = info.get("capital_latlng") or []
    if len(coordinates) == 2 and all(isinstance(value, int | float) for value in coordinates):
        return float(coordinates[0]), float(coordinates[1])
    return None, None


class _NameRegistry:
    """Collects names per country and drops the ambiguous ones."""

    def __init__(self) -> None:
        self.claims: dict[tuple[str, str], dict[str, tuple[int, str]]] = defaultdict(dict)

    def add(self, iso2: str, language: str, names: Iterable[str], priority: int) -> None:
        for name in names:
            key = normalize_for_matching(name).strip()
            if not key:
                continue
            claims = self.claims[(language, key)]
            if iso2 not in claims or priority < claims[iso2][0]:
                claims[iso2] = (priority, name)

    def names_of(self) -> dict[str, dict[str, list[str]]]:
        result: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"en": [], "ar": []})
        for (language, _key), claims in self.claims.items():
            best = min(priority for priority, _name in claims.values())
            winners = [iso2 for iso2, (priority, _name) in claims.items() if priority == best]
            if len(winners) == 1:
                result[winners[0]][language].append(claims[winners[0]][1])
        for names in result.values():
            for language in names:
                names[language].sort(key=lambda name: (len(name), name))
        return result


def build() -> dict[str, Any]:
    """Combine the sources into the JSON document the runtime reads."""
    import pycountry  # a tool of this script only (dev extra)

    arabic = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    records = _pick_countryinfo_entries()
    aliases = _read_csv("aliases.csv")
    corrections = _read_csv("corrections.csv")

    shipped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in aliases:
        shipped[row["iso2"]][f"{row['field']}:{row['language']}"].append(row["value"].strip())

    registry = _NameRegistry()
    countries: dict[str, dict[str, Any]] = {}
    for iso2, info in sorted(records.items()):
        official = pycountry.countries.get(alpha_2=iso2)
        if official is None or official.alpha_2 in ("AN", "CS"):
            continue
        extra = shipped.get(iso2, {})
        name_en = info.get("name") or official.name
        py_names = [getattr(official, field, "") for field in ("name", "common_name")]
        official_names = [getattr(official, "official_name", "")]
        arabic_primary = [
            part for name in py_names if name for part in _arabic_parts(arabic.gettext(name))
        ]
        arabic_official = [
            part for name in official_names if name for part in _arabic_parts(arabic.gettext(name))
        ]
        arabic_primary = [name for name in arabic_primary if re.search("[\u0600-\u06ff]", name)]
        arabic_official = [name for name in arabic_official if re.search("[\u0600-\u06ff]", name)]
        name_ar = (extra.get("name:ar") or arabic_primary or [""])[0]

        registry.add(
            iso2, "en", [*extra.get("name:en", []), *extra.get("alias:en", [])], PRIORITY_SHIPPED
        )
        registry.add(
            iso2, "ar", [*extra.get("name:ar", []), *extra.get("alias:ar", [])], PRIORITY_SHIPPED
        )
        registry.add(
            iso2,
            "en",
            [_english_name(name) for name in (name_en, *py_names) if name and "," not in name],
            PRIORITY_PRIMARY,
        )
        registry.add(iso2, "ar", arabic_primary, PRIORITY_PRIMARY)
        registry.add(
            iso2,
            "en",
            [_english_name(name) for name in official_names if name and "," not in name],
            PRIORITY_OFFICIAL,
        )
        registry.add(iso2, "ar", arabic_official, PRIORITY_OFFICIAL)
        alternatives = [
            _english_name(name)
            for name in info.get("altSpellings") or []
            if " " in name.strip() and "," not in name and _LATIN_ONLY.match(name)
        ]
        registry.add(iso2, "en", alternatives, PRIORITY_ALTERNATIVE)

        capital_lat, capital_lon = _capital_coordinates(info)
        countries[iso2] = {
            "iso2": iso2,
            "name_en": _english_name(name_en),
            "name_ar": name_ar,
            "area_km2": float(info["area"]) if info.get("area") else None,
            "population": int(info["population"]) if info.get("population") else None,
            "capital_en": info.get("capital") or None,
            "capital_ar": next(iter(extra.get("capital:ar", [])), None),
            "capital_lat": capital_lat,
            "capital_lon": capital_lon,
            "region": info.get("region") or None,
            "subregion": info.get("subregion") or None,
            "excluded_names": sorted(extra.get("exclude:en", []) + extra.get("exclude:ar", [])),
            "capital_aliases": sorted(
                extra.get("capital_alias:en", []) + extra.get("capital_alias:ar", [])
            ),
        }

    for row in corrections:
        record = countries[row["iso2"]]
        field, value = row["field"], row["value"]
        if field in ("capital_lat", "capital_lon", "area_km2"):
            record[field] = float(value)
        elif field == "population":
            record[field] = int(value)
        else:
            record[field] = value

    names = registry.names_of()
    for iso2, record in countries.items():
        record["names_en"] = names[iso2]["en"]
        record["names_ar"] = names[iso2]["ar"]

    return {
        "sources": {
            "countryinfo": metadata.version("countryinfo"),
            "pycountry": metadata.version("pycountry"),
            "shipped": ["aliases.csv", "corrections.csv", "groups.csv", "cities.csv"],
        },
        "countries": [countries[iso2] for iso2 in sorted(countries)],
        "groups": _groups(countries),
        "cities": _cities(countries),
    }


def _groups(countries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    groups = []
    for row in _read_csv("groups.csv"):
        spec = row["members"].strip()
        if spec == "@all":
            members = [iso2 for iso2, record in countries.items() if record["population"]]
        elif spec.startswith("@region="):
            region = spec.split("=", 1)[1]
            members = [iso2 for iso2, record in countries.items() if record["region"] == region]
        else:
            members = spec.split()
            unknown = [iso2 for iso2 in members if iso2 not in countries]
            if unknown:
                raise ValueError(f"group {row['key']!r} names unknown countries {unknown}")
        groups.append(
            {
                "key": row["key"],
                "name_en": row["name_en"],
                "name_ar": row["name_ar"],
                "members": sorted(members),
                "population": sum(countries[iso2]["population"] or 0 for iso2 in members),
                "area_km2": sum(countries[iso2]["area_km2"] or 0.0 for iso2 in members),
                "names_en": [name for name in row["aliases_en"].split("|") if name],
                "names_ar": [name for name in row["aliases_ar"].split("|") if name],
            }
        )
    return groups


def _cities(countries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    country_keys = {
        normalize_for_matching(name): iso2
        for iso2, record in countries.items()
        for name in (*record["names_en"], *record["names_ar"])
    }

    def usable(name: str, iso2: str) -> bool:
        key = normalize_for_matching(name)
        other = country_keys.get(key)
        # "عمان" is Amman and Oman: a city named like another country is left out.
        return key not in EXCLUDED_CITY_NAMES and (other is None or other == iso2)

    cities = []
    for iso2, record in sorted(countries.items()):
        if (record["population"] or 0) < CAPITAL_GAZETTEER_MIN_POPULATION:
            continue
        if record["capital_lat"] is None or not record["capital_en"]:
            continue
        names = [record["capital_en"], *record["capital_aliases"]]
        if record["capital_ar"]:
            names.append(record["capital_ar"])
        cities.append(
            {
                "name_en": record["capital_en"],
                "name_ar": record["capital_ar"],
                "iso2": iso2,
                "lat": record["capital_lat"],
                "lon": record["capital_lon"],
                "is_capital": True,
                "names": [name for name in names if usable(name, iso2)],
            }
        )
    for row in _read_csv("cities.csv"):
        names = [row["name_en"], row["name_ar"]]
        names += [name for name in (row["aliases_en"] + "|" + row["aliases_ar"]).split("|") if name]
        cities.append(
            {
                "name_en": row["name_en"],
                "name_ar": row["name_ar"],
                "iso2": row["iso2"],
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "is_capital": False,
                "names": [name for name in names if usable(name, row["iso2"])],
            }
        )
    return cities


def main() -> None:
    """Write ``countries.json`` next to this script."""
    document = build()
    OUTPUT.write_text(
        json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUTPUT} ({len(document['countries'])} countries)")


if __name__ == "__main__":
    main()
