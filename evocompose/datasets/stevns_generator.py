"""The bundled "Stevns Evolution" example: a realistic synthetic candidate pool.

Stevns is a rural municipality south of Køge, Denmark. In the founding case a
partnership of the business council, the UNESCO World Heritage site Stevns
Klint and the municipality ("Stevns Evolution") composes four professional
business-development networks. This module generates a *synthetic* pool of
candidates that has the shape of that case (many small firms, a few large
actors, strong local homophily in who knows whom), the acquaintance ties, and
the specification of the four networks. No real person appears in the data:
names are random combinations of common Danish first and last names, and all
firms are invented; only public institutions keep their real names.

The assumptions are documented in :func:`stevns` and in ``docs/stevns.md``.

Run ``python -m evocompose.datasets.stevns_generator --write examples/stevns`` to write
the example files (``candidates.xlsx``, ``ties.csv``, ``networks.toml``).
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = [
    "AREAS",
    "CUSTOMARY_SLOTS",
    "NETWORK_NAMES",
    "SECTORS",
    "SECTOR_SHARES",
    "SKILLS",
    "SLOTS",
    "THEMES",
    "StevnsTables",
    "generate_stevns_tables",
    "networks_toml_text",
    "stevns",
    "stevns_networks",
    "write_stevns_example",
]

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

SECTORS: tuple[str, ...] = (
    "agriculture",
    "food_restaurants",
    "tourism_outdoor",
    "culture_heritage",
    "construction_crafts",
    "manufacturing",
    "retail",
    "knowledge_services",
    "public_administration",
    "education",
    "health",
    "associations_sport",
)

#: Target share of each sector among the *local* candidates (externals aside).
#: Reasoning in ``docs/stevns.md``: business services ("knowledge_services":
#: accounting, consulting, IT, real estate, cleaning) are the largest private
#: group (37% of firms in Vækstvilkår 2017; about 29% of the private candidates
#: here because the themes pull in farmers, chefs and outdoor operators),
#: construction is the largest producing sector, industry and trade matter.
SECTOR_SHARES: dict[str, float] = {
    "agriculture": 0.10,
    "food_restaurants": 0.08,
    "tourism_outdoor": 0.06,
    "culture_heritage": 0.05,
    "construction_crafts": 0.12,
    "manufacturing": 0.07,
    "retail": 0.05,
    "knowledge_services": 0.20,
    "public_administration": 0.06,
    "education": 0.06,
    "health": 0.04,
    "associations_sport": 0.11,
}

SKILLS: tuple[str, ...] = (
    "marketing",
    "export",
    "digital",
    "sustainability",
    "event_management",
    "food_production",
    "hospitality",
    "logistics",
    "finance",
    "funding_applications",
    "product_development",
    "research",
    "crafts",
    "construction",
    "outdoor_guiding",
    "sports_coaching",
    "public_procurement",
    "education",
    "health",
    "strategy",
    "heritage_communication",
    "energy",
)

THEMES: tuple[str, ...] = (
    "vision",
    "food",
    "agriculture",
    "outdoor",
    "events",
    "sport",
    "industry",
    "production",
    "crafts",
)

NETWORK_NAMES: tuple[str, ...] = ("vision", "food", "outdoor", "industry")

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat")
TIMES: tuple[str, ...] = ("morning", "afternoon", "evening")
SLOTS: tuple[str, ...] = tuple(f"{d}-{t}" for d in DAYS for t in TIMES)

#: The slot each network customarily meets in. People engaged in a theme keep
#: that slot free when their work rhythm allows (see ``_availability``).
CUSTOMARY_SLOTS: dict[str, str] = {
    "vision": "thu-afternoon",
    "food": "tue-evening",
    "outdoor": "wed-evening",
    "industry": "wed-morning",
}

#: Villages of Stevns with weights roughly proportional to their population
#: (Strøby Egede and Store Heddinge are the two towns, then Hårlev and Rødvig).
AREAS: dict[str, float] = {
    "Strøby Egede": 0.24,
    "Store Heddinge": 0.20,
    "Hårlev": 0.14,
    "Rødvig": 0.08,
    "Klippinge": 0.06,
    "Strøby": 0.05,
    "Valløby": 0.04,
    "Holtug": 0.04,
    "Lille Heddinge": 0.04,
    "Højerup": 0.03,
    "Magleby": 0.03,
    "Lyderslev": 0.03,
    "Tommestrup": 0.02,
}
_SMALL_VILLAGES = frozenset(
    {"Holtug", "Lille Heddinge", "Højerup", "Magleby", "Lyderslev", "Tommestrup", "Valløby"}
)

AGE_BANDS: tuple[str, ...] = ("18-34", "35-49", "50-64", "65+")

_FEMALE = (
    "Anne", "Kirsten", "Mette", "Hanne", "Helle", "Susanne", "Lene", "Maria", "Marianne",
    "Lone", "Camilla", "Pia", "Louise", "Charlotte", "Tina", "Gitte", "Bente", "Karen",
    "Inge", "Jette", "Sofie", "Ida", "Emma", "Julie", "Laura", "Mathilde", "Freja",
    "Cecilie", "Line", "Maja", "Rikke", "Trine", "Signe", "Katrine", "Birgitte", "Dorthe",
    "Malene", "Stine", "Nanna", "Sara",
)  # fmt: skip
_MALE = (
    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan", "Niels",
    "Anders", "Morten", "Jesper", "Martin", "Christian", "Hans", "Rasmus", "Mads",
    "Frederik", "Mikkel", "Kasper", "Jakob", "Ole", "Poul", "Torben", "Bo", "Kim",
    "Claus", "Steen", "Carsten", "Jørgen", "Erik", "Bent", "Emil", "Magnus", "Oliver",
    "Lasse", "Simon", "Jonas", "Anton", "Kristian",
)  # fmt: skip
_LAST = (
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
    "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
    "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen",
    "Jakobsen", "Mikkelsen", "Olesen", "Frederiksen", "Laursen", "Henriksen", "Lund",
    "Schmidt", "Eriksen", "Holm", "Kristiansen", "Clausen", "Simonsen", "Svendsen",
    "Andreasen", "Iversen", "Jeppesen", "Mogensen", "Nissen", "Bech", "Vestergaard",
    "Dam", "Bak", "Friis", "Lindberg", "Krogh", "Skov", "Bruun", "Juhl", "Winther",
)  # fmt: skip

# ---------------------------------------------------------------------------
# Sector profiles
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Anchor:
    """A larger organisation that always exists in its sector."""

    name: str
    actor_type: str
    area: str
    share: float  # share of the sector's candidates, before the cap
    cap: int  # at most this many candidates from the organisation
    themes: Mapping[str, float] | None = None  # replaces the sector's theme probabilities
    skills: Mapping[str, float] | None = None  # replaces the sector's skill weights


@dataclass(frozen=True)
class _Profile:
    """How candidates of one sector look."""

    actor_mix: Mapping[str, float]
    org_templates: tuple[str, ...]
    head_role: str
    roles: tuple[str, ...]
    skills: Mapping[str, float]
    themes: Mapping[str, float]
    female: float
    schedule: str
    leader_p: float
    rural: bool = False
    anchors: tuple[_Anchor, ...] = ()
    templates_by_actor: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


_PROFILES: dict[str, _Profile] = {
    "agriculture": _Profile(
        actor_mix={"private": 0.88, "civil": 0.12},
        templates_by_actor={"civil": ("{village} Frugtlaug", "Andelsgården {village}",
                                      "Stevns Landboforening", "Økologisk Netværk Stevns")},
        org_templates=(
            "{last}s Gård", "{village}gård", "Gården ved {village}", "{last} Landbrug I/S",
            "Stevns Økologi v/ {last}", "{village} Planteavl", "{last}s Frugtplantage",
            "{village} Kvægbrug",
        ),
        head_role="landmand",
        roles=("landmand", "driftsleder", "medhjælper", "gartner"),
        skills={"food_production": 5, "sustainability": 3, "energy": 2, "logistics": 1.5,
                "finance": 1, "marketing": 1.5, "export": 1, "product_development": 1,
                "funding_applications": 1},
        themes={"agriculture": 0.95, "food": 0.6, "outdoor": 0.1, "production": 0.15},
        female=0.25, schedule="farmer", leader_p=0.15, rural=True,
    ),
    "food_restaurants": _Profile(
        actor_mix={"private": 0.9, "civil": 0.1},
        templates_by_actor={"civil": ("Madfællesskabet {village}", "Stevns Madmarked (forening)",
                                      "Borgercaféen {village}", "Slow Food Stevns")},
        org_templates=(
            "Café {village}", "{village} Kro", "Restaurant {last}", "{last}s Bageri",
            "Stevns Mikrobryggeri v/ {last}", "Gårdbutikken {village}", "{last} Catering",
            "Pølsevognen {village}", "{village} Røgeri",
        ),
        head_role="indehaver",
        roles=("køkkenchef", "kok", "restauratør", "bager", "tjener"),
        skills={"food_production": 5, "hospitality": 5, "marketing": 3,
                "event_management": 2, "sustainability": 1.5, "digital": 1},
        themes={"food": 0.95, "events": 0.35, "agriculture": 0.15, "outdoor": 0.05},
        female=0.45, schedule="restaurant", leader_p=0.15,
    ),
    "tourism_outdoor": _Profile(
        actor_mix={"private": 0.85, "civil": 0.15},
        org_templates=(
            "{village} Camping", "Klint Outdoor v/ {last}", "{last} Naturguide",
            "Bed & Breakfast {village}", "Stevns Kajak & Kyst", "{village} Feriecenter",
            "{last}s Cykeludlejning", "Kystlejren {village}",
        ),
        head_role="indehaver",
        roles=("naturvejleder", "guide", "campingvært", "eventkoordinator"),
        skills={"outdoor_guiding": 5, "hospitality": 3, "event_management": 3,
                "marketing": 3, "heritage_communication": 2, "digital": 1,
                "sports_coaching": 1},
        themes={"outdoor": 0.9, "events": 0.5, "sport": 0.3, "food": 0.1},
        female=0.45, schedule="tourism", leader_p=0.15,
        anchors=(_Anchor("VisitStevns (turistkontor)", "public", "Store Heddinge", 0.12, 3),),
    ),
    "culture_heritage": _Profile(
        actor_mix={"private": 0.5, "civil": 0.5},
        org_templates=(
            "Galleri {village}", "{last} Keramik", "Kunstforeningen {village}",
            "{village} Lokalhistoriske Arkiv", "{last} Kulturformidling", "Kirkekoret {village}",
        ),
        head_role="leder",
        roles=("formidler", "kunstner", "arkivar", "kurator", "frivillig"),
        skills={"heritage_communication": 5, "event_management": 3, "research": 2,
                "education": 2, "funding_applications": 3, "outdoor_guiding": 2,
                "marketing": 1.5},
        themes={"outdoor": 0.5, "events": 0.5, "food": 0.05, "crafts": 0.15},
        female=0.6, schedule="business", leader_p=0.15,
        anchors=(
            _Anchor("Stevns Klint (UNESCO verdensarv)", "public", "Højerup", 0.30, 8,
                    themes={"outdoor": 0.8, "events": 0.6, "food": 0.1}),
            _Anchor("Stevns Museumsforening", "civil", "Store Heddinge", 0.10, 3),
        ),
    ),
    "construction_crafts": _Profile(
        actor_mix={"private": 0.94, "civil": 0.06},
        templates_by_actor={"civil": ("Stevns Håndværkerforening", "{village} Byggelaug",
                                      "Lærlingeforeningen Stevns")},
        org_templates=(
            "{last}s Tømrerforretning", "{village} VVS & Blik", "{last} Murerfirma",
            "Stevns El-service v/ {last}", "{last} Maler ApS", "{last} Entreprise ApS",
            "{village} Snedkeri", "{last} Anlæg & Kloak", "{village} Tagdækning",
        ),
        head_role="mester",
        roles=("tømrer", "murer", "elektriker", "VVS-installatør", "snedker", "maler"),
        skills={"construction": 5, "crafts": 5, "energy": 2.5, "sustainability": 2,
                "public_procurement": 1.5, "finance": 1, "logistics": 1},
        themes={"crafts": 0.8, "industry": 0.4, "production": 0.2},
        female=0.12, schedule="business", leader_p=0.12,
    ),
    "manufacturing": _Profile(
        actor_mix={"private": 0.92, "knowledge": 0.08},
        templates_by_actor={"knowledge": ("Stevns Produktionslab", "Klint Innovationshus",
                                          "Teknologisk Værksted Stevns")},
        org_templates=(
            "{last} Maskinfabrik", "Stevns Stålindustri ApS", "Heddinge Plast A/S",
            "Stevns Træ & Møbel", "{village} Smedie", "{last} Metal ApS",
            "Klint Emballage ApS", "{last} Fødevareproduktion ApS",
        ),
        head_role="direktør",
        roles=("produktionschef", "ingeniør", "værkfører", "operatør", "indkøber"),
        skills={"product_development": 4, "logistics": 3, "export": 3, "energy": 2,
                "sustainability": 2.5, "digital": 2, "finance": 1.5, "crafts": 1.5},
        themes={"industry": 0.9, "production": 0.8, "crafts": 0.2, "food": 0.1},
        female=0.3, schedule="business", leader_p=0.15,
        anchors=(_Anchor("Heddinge Industrivask A/S", "private", "Store Heddinge", 0.25, 8),),
    ),
    "retail": _Profile(
        actor_mix={"private": 1.0},
        org_templates=(
            "{village} Købmand", "{last} Tøj & Sko", "Stevns Byggemarked",
            "{village} Blomster", "Stevns Cykler v/ {last}", "{last}s Vinhandel",
            "{village} Gårdbutik",
        ),
        head_role="købmand",
        roles=("butiksleder", "indehaver", "sælger", "indkøber"),
        skills={"marketing": 4, "logistics": 2.5, "digital": 2.5, "hospitality": 2,
                "finance": 2, "food_production": 0.5},
        themes={"food": 0.35, "events": 0.1, "crafts": 0.1, "industry": 0.05},
        female=0.55, schedule="business", leader_p=0.12,
    ),
    "knowledge_services": _Profile(
        actor_mix={"private": 0.92, "knowledge": 0.08},
        org_templates=(
            "{last} Revision", "{last} Rådgivning ApS", "Stevns IT-service",
            "{last} Ejendomme", "Klint Rengøring ApS", "{last} Kommunikation",
            "Stevns Digital v/ {last}", "{last} Advokatfirma", "{village} Bogføring",
            "{last} Consult",
        ),
        head_role="indehaver",
        roles=("konsulent", "revisor", "IT-konsulent", "ejendomsmægler", "bogholder",
               "rengøringsleder", "advokat"),
        skills={"finance": 4, "digital": 4, "marketing": 3, "strategy": 2,
                "funding_applications": 2, "research": 1.5, "export": 1,
                "sustainability": 1.5, "product_development": 1.5},
        themes={"industry": 0.25, "food": 0.1, "outdoor": 0.05, "events": 0.05,
                "production": 0.1},
        female=0.5, schedule="business", leader_p=0.18,
        anchors=(
            _Anchor("Klintholm Frøforskning (forskningscenter)", "knowledge", "Holtug", 0.12, 8,
                    themes={"agriculture": 0.9, "food": 0.6, "production": 0.3,
                            "industry": 0.2},
                    skills={"research": 5, "product_development": 4, "food_production": 2,
                            "sustainability": 3, "export": 1.5}),
        ),
    ),
    "public_administration": _Profile(
        actor_mix={"public": 1.0},
        org_templates=(
            "Stevns Forsyning og Miljø", "Stevns Beredskab", "Jobcenter Stevns",
            "Stevns Bibliotekerne", "Borgerservice {village}",
        ),
        head_role="leder",
        roles=("erhvervskonsulent", "planlægger", "fuldmægtig", "projektleder",
               "udviklingskonsulent"),
        skills={"public_procurement": 4, "funding_applications": 4, "strategy": 2.5,
                "sustainability": 2, "education": 1, "finance": 1.5, "digital": 1.5,
                "event_management": 1.5},
        themes={"industry": 0.3, "food": 0.25, "outdoor": 0.25, "events": 0.2,
                "agriculture": 0.1},
        female=0.6, schedule="daytime", leader_p=0.3,
        anchors=(
            _Anchor("Stevns Kommune", "public", "Store Heddinge", 0.45, 15),
            _Anchor("Stevns Erhvervsråd", "public", "Store Heddinge", 0.20, 5,
                    themes={"industry": 0.5, "food": 0.4, "outdoor": 0.3, "events": 0.3,
                            "production": 0.2}),
        ),
    ),
    "education": _Profile(
        actor_mix={"civil": 0.45, "private": 0.25, "knowledge": 0.30},
        org_templates=(
            "{village} Friskole", "Klintens Efterskole", "{last} Musikskole",
            "Stevns Sprogcenter", "{village} Børnehus", "Stevns Ungdomsskole",
        ),
        head_role="skoleleder",
        roles=("lærer", "pædagog", "underviser", "vejleder"),
        skills={"education": 6, "research": 2, "digital": 2, "sports_coaching": 1.5,
                "crafts": 1.5, "sustainability": 1.5, "funding_applications": 1},
        themes={"industry": 0.2, "crafts": 0.25, "food": 0.15, "outdoor": 0.2,
                "sport": 0.2},
        female=0.65, schedule="daytime", leader_p=0.15,
        anchors=(
            _Anchor("Store Heddinge Skole", "public", "Store Heddinge", 0.22, 5),
            _Anchor("Hårlev Skole", "public", "Hårlev", 0.15, 4),
            _Anchor("Strøby Egede Skole", "public", "Strøby Egede", 0.15, 4),
            _Anchor("Østsjællands Erhvervsakademi, Stevns", "knowledge", "Store Heddinge",
                    0.15, 5),
        ),
    ),
    "health": _Profile(
        actor_mix={"private": 0.85, "civil": 0.15},
        org_templates=(
            "{last} Fysioterapi", "Lægehuset {village}", "{village} Tandklinik",
            "{last} Kiropraktik", "Stevns Træningscenter", "Hjemmeplejen {village}",
        ),
        head_role="klinikejer",
        roles=("fysioterapeut", "sygeplejerske", "læge", "sundhedskonsulent"),
        skills={"health": 6, "sports_coaching": 2, "education": 1.5, "digital": 1,
                "research": 1},
        themes={"sport": 0.4, "outdoor": 0.3, "food": 0.15},
        female=0.75, schedule="daytime", leader_p=0.12,
        anchors=(_Anchor("Stevns Sundhedscenter", "public", "Store Heddinge", 0.35, 6),),
    ),
    "associations_sport": _Profile(
        actor_mix={"civil": 1.0},
        org_templates=(
            "{village} Idrætsforening", "{village} Gymnastikforening", "Stevns Cykelklub",
            "{village} Sejlklub", "Klinteløberne", "Stevns Ridelaug", "{village} Borgerforening",
            "Lokalrådet {village}", "Stevns Naturforening", "{village} Skytteforening",
            "Stevns Petanque", "{village} Tennisklub",
        ),
        head_role="formand",
        roles=("formand", "træner", "kasserer", "bestyrelsesmedlem", "frivillig"),
        skills={"sports_coaching": 5, "event_management": 4, "funding_applications": 3,
                "outdoor_guiding": 2, "education": 1.5, "marketing": 1.5, "hospitality": 1},
        themes={"sport": 0.8, "outdoor": 0.5, "events": 0.6, "food": 0.05},
        female=0.45, schedule="volunteer", leader_p=0.15,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class _External:
    organisation: str
    sector: str
    actor_type: str
    area: str
    role: str
    network: str
    themes: tuple[str, ...]
    skills: tuple[str, ...]


#: External experts, used in rotation so that each network has relevant ones.
_EXTERNALS: tuple[_External, ...] = (
    _External("Københavns Universitet", "education", "knowledge", "København",
              "lektor, fødevarevidenskab", "food", ("food", "agriculture"),
              ("research", "food_production", "product_development", "sustainability")),
    _External("Friluftsbureauet Øresund ApS", "tourism_outdoor", "private", "Køge",
              "eventkonsulent", "outdoor", ("outdoor", "events", "sport"),
              ("event_management", "outdoor_guiding", "marketing")),
    _External("Roskilde Universitet", "education", "knowledge", "Roskilde",
              "lektor, produktionsudvikling", "industry", ("industry", "production"),
              ("research", "product_development", "sustainability", "energy")),
    _External("Næstved Vækstrådgivning ApS", "knowledge_services", "private", "Næstved",
              "strategikonsulent", "vision", ("vision", "industry"),
              ("strategy", "finance", "funding_applications", "export")),
    _External("Region Sjælland", "public_administration", "public", "Sorø",
              "regional udviklingskonsulent", "vision", ("vision", "food", "outdoor"),
              ("funding_applications", "strategy", "public_procurement")),
    _External("Køge Madværksted", "food_restaurants", "private", "Køge", "køkkenchef",
              "food", ("food", "events"), ("food_production", "hospitality", "marketing")),
    _External("Kystkultur Rådgivning", "culture_heritage", "private", "København",
              "formidlingskonsulent", "outdoor", ("outdoor", "events"),
              ("heritage_communication", "event_management", "funding_applications")),
    _External("Sjællands Produktionsnetværk", "knowledge_services", "civil", "Roskilde",
              "netværkskoordinator", "industry", ("industry", "production", "crafts"),
              ("product_development", "logistics", "export", "sustainability")),
)  # fmt: skip


@dataclass(frozen=True)
class _FixedRole:
    sector: str
    organisation: str
    actor_type: str
    area: str
    role: str
    leader: bool
    hub: bool = False


#: The first ids are always these people (names and details vary with the seed),
#: so that the network specification can name them in conflicts and must-pairs.
_FIXED: tuple[_FixedRole, ...] = (
    _FixedRole("public_administration", "Stevns Kommune", "public", "Store Heddinge",
               "borgmester", True, hub=True),
    _FixedRole("public_administration", "Stevns Erhvervsråd", "public", "Store Heddinge",
               "erhvervsdirektør", True, hub=True),
    _FixedRole("culture_heritage", "Stevns Klint (UNESCO verdensarv)", "public", "Højerup",
               "verdensarvskoordinator", True, hub=True),
    _FixedRole("manufacturing", "Heddinge Industrivask A/S", "private", "Store Heddinge",
               "direktør", True),
    _FixedRole("knowledge_services", "Klintholm Frøforskning (forskningscenter)", "knowledge",
               "Holtug", "centerleder", True),
    _FixedRole("health", "Stevns Sundhedscenter", "public", "Store Heddinge", "centerleder",
               True),
    _FixedRole("education", "Store Heddinge Skole", "public", "Store Heddinge", "skoleleder",
               True),
    _FixedRole("agriculture", "Bakkegården Lille Heddinge", "private", "Lille Heddinge",
               "landmand", False),
    _FixedRole("agriculture", "Østergård Lille Heddinge", "private", "Lille Heddinge",
               "landmand", False),
    _FixedRole("food_restaurants", "Rødvig Havnekro", "private", "Rødvig", "restauratør",
               False),
    _FixedRole("food_restaurants", "Restaurant Klintekanten", "private", "Rødvig",
               "køkkenchef", False),
    _FixedRole("tourism_outdoor", "Rødvig Kajak & Kyst", "private", "Rødvig", "naturguide",
               False),
    _FixedRole("tourism_outdoor", "Højerup Outdoor", "private", "Højerup", "naturguide",
               False),
    _FixedRole("agriculture", "Stevns Landboforening", "civil", "Hårlev", "formand", True),
    _FixedRole("food_restaurants", "Stevns Gårdmejeri", "private", "Tommestrup", "direktør",
               True),
)  # fmt: skip

# ---------------------------------------------------------------------------
# Relevance model
# ---------------------------------------------------------------------------

_NETWORK_TAGS: dict[str, frozenset[str]] = {
    "vision": frozenset({"vision"}),
    "food": frozenset({"food", "agriculture"}),
    "outdoor": frozenset({"outdoor", "events", "sport"}),
    "industry": frozenset({"industry", "production", "crafts"}),
}
_NETWORK_SKILLS: dict[str, frozenset[str]] = {
    "vision": frozenset({"strategy", "funding_applications", "finance", "sustainability",
                         "digital"}),
    "food": frozenset({"food_production", "hospitality", "sustainability"}),
    "outdoor": frozenset({"outdoor_guiding", "event_management", "sports_coaching",
                          "heritage_communication", "hospitality"}),
    "industry": frozenset({"product_development", "construction", "crafts", "logistics",
                           "energy", "export"}),
}  # fmt: skip
_BASE_RELEVANCE: dict[str, dict[str, float]] = {
    "vision": {"public_administration": 0.15, "knowledge_services": 0.10,
               "culture_heritage": 0.10, "education": 0.10},
    "food": {"agriculture": 0.30, "food_restaurants": 0.30, "retail": 0.15,
             "tourism_outdoor": 0.10, "manufacturing": 0.08, "public_administration": 0.15,
             "education": 0.15, "health": 0.10, "knowledge_services": 0.10},
    "outdoor": {"tourism_outdoor": 0.30, "associations_sport": 0.30, "culture_heritage": 0.20,
                "food_restaurants": 0.10, "health": 0.12, "education": 0.12,
                "public_administration": 0.15},
    "industry": {"manufacturing": 0.30, "construction_crafts": 0.30,
                 "knowledge_services": 0.15, "education": 0.15, "public_administration": 0.15,
                 "agriculture": 0.08, "retail": 0.08, "food_restaurants": 0.05},
}  # fmt: skip
_BASE_DEFAULT = {"vision": 0.08, "food": 0.05, "outdoor": 0.03, "industry": 0.03}
_THEME_BONUS = {"vision": 0.40, "food": 0.30, "outdoor": 0.30, "industry": 0.30}
_SKILL_BONUS = 0.06
_RELEVANCE_NOISE = 0.06

# ---------------------------------------------------------------------------
# Availability model
# ---------------------------------------------------------------------------

# weight per (day, time) for each work rhythm; rows mon..sat, columns morning..evening
_SCHEDULES: dict[str, np.ndarray] = {
    "farmer": np.array([[0.15, 0.6, 1.0]] * 5 + [[0.05, 0.3, 0.4]]),
    "daytime": np.array([[1.0, 1.0, 0.25]] * 5 + [[0.05, 0.05, 0.1]]),
    "business": np.array([[0.7, 0.8, 0.6]] * 5 + [[0.2, 0.2, 0.2]]),
    "tourism": np.array([[0.7, 0.6, 0.7]] * 5 + [[0.1, 0.1, 0.1]]),
    "restaurant": np.array([[0.5, 0.8, 1.0]] * 2 + [[0.6, 0.7, 0.1]] * 3 + [[0.2, 0.1, 0.02]]),
    "volunteer": np.array([[0.25, 0.4, 1.0]] * 5 + [[0.7, 0.6, 0.3]]),
}
_SCHEDULE_OF_ACTOR = {"public": "daytime", "knowledge": "daytime", "civil": "volunteer"}
_CUSTOMARY_P_FREE = 0.75  # engaged person keeps the customary slot free ...
_CUSTOMARY_P_BUSY = 0.25  # ... unless their rhythm makes that slot hard (weight < 0.3)
_RELEVANT = 0.45  # relevance from which a person counts as engaged in a theme

# ---------------------------------------------------------------------------
# Tie model (logit, calibrated to a target mean degree)
# ---------------------------------------------------------------------------

_TARGET_RANDOM_DEGREE = 5.5  # mean degree of the logit part (organisation and hub ties come on top)
_BETA_SECTOR = 2.3
_BETA_AREA = 1.9
_BETA_ACTOR = 0.6
_BETA_LEADERS = 1.0
_BETA_EXTERNAL = -1.0
# expected number of extra ties of each hub (mayor, council director, site leader)
_HUB_DEGREE = 30.0

_KIND_STRENGTH: dict[str, tuple[float, float]] = {
    "family": (0.7, 1.0),
    "work": (0.4, 0.9),
    "board": (0.4, 0.8),
    "club": (0.2, 0.7),
    "neighbour": (0.2, 0.6),
}


@dataclass(frozen=True)
class StevnsTables:
    """The three input tables of the Stevns example.

    Attributes
    ----------
    candidates : pandas.DataFrame
        One row per candidate in the column format of ``docs/formats.md``
        (plus the extra columns ``role``, ``gender`` and ``age_band``).
    ties : pandas.DataFrame
        Edge list with the columns ``a``, ``b``, ``strength`` and ``kind``.
    networks : dict
        The network specification, shaped like the parsed ``networks.toml``.
    """

    candidates: pd.DataFrame
    ties: pd.DataFrame
    networks: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Network specification (package data file)
# ---------------------------------------------------------------------------


def networks_toml_text() -> str:
    """Return the text of the bundled ``stevns_networks.toml``.

    Returns
    -------
    str
        The TOML specification of the four Stevns networks.
    """
    ref = resources.files("evocompose.datasets").joinpath("data/stevns_networks.toml")
    return ref.read_text(encoding="utf-8")


def stevns_networks() -> dict[str, Any]:
    """Return the four Stevns network specifications as a parsed-TOML dict.

    Returns
    -------
    dict
        A fresh dict (safe to modify) with the keys ``global``,
        ``sector_groups`` and ``network``.

    Examples
    --------
    >>> from evocompose.datasets.stevns_generator import stevns_networks
    >>> [n["name"] for n in stevns_networks()["network"]]
    ['vision', 'food', 'outdoor', 'industry']
    """
    return tomllib.loads(networks_toml_text())


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------


def _allocate(
    total: int, shares: Mapping[str, float], minimum: Mapping[str, int]
) -> dict[str, int]:
    """Split ``total`` over keys by largest remainders, honouring minimum counts."""
    keys = list(shares)
    raw = np.array([shares[k] for k in keys], dtype=float)
    raw = raw / raw.sum() * total
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    for i in order[: total - int(counts.sum())]:
        counts[i] += 1
    for i, k in enumerate(keys):
        while counts[i] < minimum.get(k, 0):
            counts[i] += 1
            # take one from the sector with the most slack over its minimum
            slack = [counts[j] - max(minimum.get(keys[j], 0), 1) for j in range(len(keys))]
            slack[i] = -1
            j = int(np.argmax(slack))
            if slack[j] <= 0:
                raise ValueError(
                    f"n={total} is too small for the fixed roles of the Stevns example"
                )
            counts[j] -= 1
    return {k: int(c) for k, c in zip(keys, counts, strict=True)}


def _draw(rng: np.random.Generator, weights: np.ndarray | Sequence[float]) -> int:
    """Index drawn with probability proportional to ``weights``."""
    cum = np.cumsum(weights)
    return int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))


def _sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices, weighted sampling without replacement (Efraimidis-Spirakis)."""
    keys = np.log(rng.random(len(weights))) / weights
    return np.argsort(-keys, kind="stable")[:k]


def _weighted_choice(rng: np.random.Generator, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[_draw(rng, p)]


def _area(rng: np.random.Generator, rural: bool) -> str:
    w = {a: v * (2.5 if rural and a in _SMALL_VILLAGES else 1.0) for a, v in AREAS.items()}
    return _weighted_choice(rng, w)


def _org_name(
    rng: np.random.Generator, prof: _Profile, actor: str, area: str, used: set[str]
) -> str:
    templates = prof.templates_by_actor.get(actor, prof.org_templates)
    for _ in range(20):
        tpl = templates[int(rng.integers(len(templates)))]
        name = tpl.format(last=_LAST[int(rng.integers(len(_LAST)))], village=area)
        if name not in used:
            return name
    base = name
    k = 2
    while f"{base} {k}" in used:
        k += 1
    return f"{base} {k}"


@dataclass
class _Person:
    sector: str
    organisation: str
    actor_type: str
    area: str
    role: str
    leader: bool
    hub: bool = False
    external: _External | None = None
    fixed: bool = False
    anchor: _Anchor | None = None


def _build_people(rng: np.random.Generator, n: int) -> list[_Person]:
    n_ext = max(4, round(0.04 * n))
    n_loc = n - n_ext
    fixed_counts: dict[str, int] = {}
    for f in _FIXED:
        fixed_counts[f.sector] = fixed_counts.get(f.sector, 0) + 1
    counts = _allocate(n_loc, SECTOR_SHARES, fixed_counts)

    anchors = {a.name: a for prof in _PROFILES.values() for a in prof.anchors}
    fixed = [
        _Person(
            f.sector,
            f.organisation,
            f.actor_type,
            f.area,
            f.role,
            f.leader,
            f.hub,
            fixed=True,
            anchor=anchors.get(f.organisation),
        )
        for f in _FIXED
    ]
    used: set[str] = {f.organisation for f in _FIXED}
    others: list[_Person] = []
    for sector in SECTORS:
        prof = _PROFILES[sector]
        left = counts[sector] - fixed_counts.get(sector, 0)
        for anc in prof.anchors:
            have = sum(1 for f in _FIXED if f.organisation == anc.name)
            size = min(anc.cap, max(1, round(anc.share * counts[sector])))
            add = max(0, min(left, size - have))
            for k in range(add):
                head = have == 0 and k == 0
                role = prof.head_role if head else prof.roles[int(rng.integers(len(prof.roles)))]
                leader = head or bool(rng.random() < prof.leader_p)
                others.append(
                    _Person(sector, anc.name, anc.actor_type, anc.area, role, leader, anchor=anc)
                )
            used.add(anc.name)
            left -= add
        while left > 0:
            size = min(left, _draw(rng, (0.65, 0.25, 0.10)) + 1)
            area = _area(rng, prof.rural)
            actor = _weighted_choice(rng, prof.actor_mix)
            org = _org_name(rng, prof, actor, area, used)
            used.add(org)
            for k in range(size):
                head = k == 0
                role = prof.head_role if head else prof.roles[int(rng.integers(len(prof.roles)))]
                p_lead = 2 * prof.leader_p if head else prof.leader_p / 2
                others.append(_Person(sector, org, actor, area, role, bool(rng.random() < p_lead)))
            left -= size
    for k in range(n_ext):
        ext = _EXTERNALS[k % len(_EXTERNALS)]
        others.append(
            _Person(
                ext.sector,
                ext.organisation,
                ext.actor_type,
                ext.area,
                ext.role,
                "vision" in ext.themes,
                external=ext,
            )
        )
    perm = rng.permutation(len(others))
    return fixed + [others[int(i)] for i in perm]


def _name(rng: np.random.Generator, female: bool) -> str:
    firsts = _FEMALE if female else _MALE
    first = firsts[int(rng.integers(len(firsts)))]
    last = _LAST[int(rng.integers(len(_LAST)))]
    if rng.random() < 0.3:
        middle = _LAST[int(rng.integers(len(_LAST)))]
        if middle != last:
            return f"{first} {middle} {last}"
    return f"{first} {last}"


def _pick_skills(rng: np.random.Generator, weights: Mapping[str, float], k: int) -> list[str]:
    w = np.array([weights.get(s, 0.0) + 0.2 for s in SKILLS], dtype=float)
    idx = _sample(rng, w, k)
    return [SKILLS[int(i)] for i in sorted(idx)]


def _relevance(
    rng: np.random.Generator, sector: str, skills: set[str], themes: set[str]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for net in NETWORK_NAMES:
        r = _BASE_RELEVANCE[net].get(sector, _BASE_DEFAULT[net])
        if themes & _NETWORK_TAGS[net]:
            r += _THEME_BONUS[net]
        r += _SKILL_BONUS * min(3, len(skills & _NETWORK_SKILLS[net]))
        r += float(rng.normal(0.0, _RELEVANCE_NOISE))
        out[net] = round(min(1.0, max(0.0, r)), 2)
    return out


def _availability(
    rng: np.random.Generator,
    schedule: str,
    relevance: Mapping[str, float],
    forced: Sequence[str] = (),
) -> list[str]:
    w = _SCHEDULES[schedule].ravel()
    k = int(rng.integers(3, 8))
    idx = _sample(rng, w, k)
    chosen = {SLOTS[int(i)] for i in idx}
    for net in NETWORK_NAMES:
        slot = CUSTOMARY_SLOTS[net]
        if relevance[net] < _RELEVANT or slot in chosen:
            continue
        p = _CUSTOMARY_P_FREE if w[SLOTS.index(slot)] >= 0.3 else _CUSTOMARY_P_BUSY
        if rng.random() < p:
            chosen.add(slot)
    chosen.update(forced)
    while len(chosen) > 7:  # keep 3-7 slots: drop a random non-customary slot
        drop = sorted(chosen - set(CUSTOMARY_SLOTS.values()) - set(forced))
        if not drop:
            break
        chosen.discard(drop[int(rng.integers(len(drop)))])
    return [s for s in SLOTS if s in chosen]


def _age_band(rng: np.random.Generator, sector: str, leader: bool) -> str:
    p = np.array([0.18, 0.36, 0.36, 0.10])
    if sector == "associations_sport":
        p = np.array([0.15, 0.25, 0.30, 0.30])
    if leader:
        p = np.array([0.05, 0.35, 0.48, 0.12])
    return AGE_BANDS[_draw(rng, p)]


def _candidates(rng: np.random.Generator, people: list[_Person], width: int) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(people):
        prof = _PROFILES[p.sector]
        female = bool(rng.random() < prof.female)
        name = _name(rng, female)
        if p.external is not None:
            skills = set(p.external.skills)
            themes = set(p.external.themes)
        else:
            anc = p.anchor
            skill_w = anc.skills if anc is not None and anc.skills is not None else prof.skills
            theme_p = anc.themes if anc is not None and anc.themes is not None else prof.themes
            skills = set(_pick_skills(rng, skill_w, int(rng.integers(2, 5))))
            themes = {t for t, q in theme_p.items() if rng.random() < q}
            if not themes:
                themes.add(max(theme_p, key=lambda t: theme_p[t]))
        if p.leader:
            themes.add("vision")
            skills.add("strategy")
            if rng.random() < 0.4:
                skills.add("funding_applications")
        rel = _relevance(rng, p.sector, skills, themes)
        if p.external is not None:
            schedule = "business"
            forced: list[str] = [CUSTOMARY_SLOTS[p.external.network]]
            if p.leader:
                forced.append(CUSTOMARY_SLOTS["vision"])
        else:
            schedule = (
                prof.schedule
                if p.actor_type == "private"
                else _SCHEDULE_OF_ACTOR.get(p.actor_type, prof.schedule)
            )
            forced = [CUSTOMARY_SLOTS["vision"]] if p.fixed and p.leader else []
        slots = _availability(rng, schedule, rel, forced)
        capacity = 2 if (p.hub or rng.random() < (0.35 if p.leader else 0.12)) else 1
        rows.append(
            {
                "id": f"s{i + 1:0{width}d}",
                "name": name,
                "organisation": p.organisation,
                "role": p.role,
                "sector": p.sector,
                "actor_type": p.actor_type,
                "skills": ";".join(s for s in SKILLS if s in skills),
                "themes": ";".join(t for t in THEMES if t in themes),
                **{f"relevance:{net}": rel[net] for net in NETWORK_NAMES},
                "availability": ";".join(slots),
                "capacity": capacity,
                "area": p.area,
                "external": p.external is not None,
                "gender": "k" if female else "m",
                "age_band": _age_band(rng, p.sector, p.leader),
            }
        )
    return pd.DataFrame(rows)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _ties(rng: np.random.Generator, cand: pd.DataFrame, people: list[_Person]) -> pd.DataFrame:
    n = len(cand)
    ids = cand["id"].to_numpy()

    def codes(col: str) -> np.ndarray:
        return np.asarray(pd.factorize(cand[col])[0])

    sec, area, act, org = codes("sector"), codes("area"), codes("actor_type"), codes("organisation")
    lead = np.array([p.leader for p in people])
    ext = cand["external"].to_numpy(dtype=bool)
    hub = np.array([p.hub for p in people])
    eta = np.zeros(32)
    for code in range(32):
        eta[code] = (
            _BETA_SECTOR * (code & 1)
            + _BETA_AREA * ((code >> 1) & 1)
            + _BETA_ACTOR * ((code >> 2) & 1)
            + _BETA_LEADERS * ((code >> 3) & 1)
            + _BETA_EXTERNAL * ((code >> 4) & 1)
        )

    def pair_codes(i: int) -> np.ndarray:
        j = np.arange(i + 1, n)
        c = (
            (sec[j] == sec[i]).astype(int)
            + 2 * (area[j] == area[i])
            + 4 * (act[j] == act[i])
            + 8 * (lead[j] & lead[i])
            + 16 * (ext[j] | ext[i])
        )
        return np.where(org[j] == org[i], -1, c).astype(np.int8)

    # calibrate the intercept so the logit part has the target mean degree
    hist = np.zeros(32)
    rows = [pair_codes(i) for i in range(n - 1)]
    for c in rows:
        hist += np.bincount(c[c >= 0], minlength=32)
    target = _TARGET_RANDOM_DEGREE * n / 2
    lo, hi = -30.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if float(np.sum(hist * _sigmoid(mid + eta))) > target:
            hi = mid
        else:
            lo = mid
    prob = _sigmoid((lo + hi) / 2 + eta)

    a_list: list[np.ndarray] = []
    b_list: list[np.ndarray] = []
    c_list: list[np.ndarray] = []
    for i in range(n - 1):
        j, c = np.arange(i + 1, n), rows[i]
        p = np.where(c >= 0, prob[np.maximum(c, 0)], 1.0)  # same organisation: always
        if not hub[i]:
            p = np.where(hub[j], np.maximum(p, _hub_p(n, lead[i] | lead[j])), p)
        else:
            p = np.maximum(p, _hub_p(n, lead[j]))
        hit = rng.random(len(j)) < p
        a_list.append(np.full(int(hit.sum()), i))
        b_list.append(j[hit])
        c_list.append(c[hit])
    a = np.concatenate(a_list) if a_list else np.zeros(0, dtype=int)
    b = np.concatenate(b_list) if b_list else np.zeros(0, dtype=int)
    c = np.concatenate(c_list) if c_list else np.zeros(0, dtype=int)

    kinds: list[str] = []
    strengths: list[float] = []
    org_size = np.bincount(org)
    for ai, bi, ci in zip(a.tolist(), b.tolist(), c.tolist(), strict=True):
        u = float(rng.random())
        if ci < 0:
            kind = "family" if org_size[org[ai]] <= 3 and u < 0.3 else "work"
        elif hub[ai] or hub[bi] or (lead[ai] and lead[bi] and u < 0.6):
            kind = "board"
        elif ci & 1 and ci & 2:
            kind = (
                "work" if u < 0.5 else "neighbour" if u < 0.8 else "family" if u < 0.9 else "club"
            )
        elif ci & 1:
            kind = "work" if u < 0.8 else "club"
        elif ci & 2:
            kind = "neighbour" if u < 0.6 else "club" if u < 0.9 else "family"
        else:
            kind = "club" if u < 0.5 else "work" if u < 0.8 else "board"
        lo_s, hi_s = _KIND_STRENGTH[kind]
        kinds.append(kind)
        strengths.append(round(max(0.05, float(rng.uniform(lo_s, hi_s))), 2))
    return pd.DataFrame(
        {"a": ids[a], "b": ids[b], "strength": np.array(strengths, dtype=float), "kind": kinds}
    )


def _hub_p(n: int, leader: np.ndarray | bool) -> np.ndarray:
    base = min(0.5, _HUB_DEGREE / max(n - 1, 1))
    return np.where(leader, min(0.9, 3 * base), base)


def generate_stevns_tables(seed: int = 0, n: int = 250) -> StevnsTables:
    """Generate the candidates, ties and network specs of the Stevns example.

    The model and its sources are documented in :func:`stevns` and in
    ``docs/stevns.md``.

    Parameters
    ----------
    seed : int, default 0
        Seed of the ``numpy.random.default_rng`` generator; the same seed and
        ``n`` always give identical tables.
    n : int, default 250
        Number of candidates, 40 to 5000.

    Returns
    -------
    StevnsTables
        ``candidates`` (DataFrame), ``ties`` (DataFrame edge list) and
        ``networks`` (parsed-TOML dict).

    Raises
    ------
    ValueError
        If ``n`` is outside 40..5000.

    Examples
    --------
    >>> from evocompose.datasets.stevns_generator import generate_stevns_tables
    >>> t = generate_stevns_tables(seed=0, n=250)
    >>> len(t.candidates), t.candidates["id"].iloc[0]
    (250, 's0001')
    >>> sorted(t.ties.columns)
    ['a', 'b', 'kind', 'strength']
    """
    if not 40 <= n <= 5000:
        raise ValueError(f"n must be between 40 and 5000, got {n}")
    rng = np.random.default_rng(seed)
    people = _build_people(rng, n)
    width = max(4, len(str(n)))
    cand = _candidates(rng, people, width)
    ties = _ties(rng, cand, people)
    return StevnsTables(candidates=cand, ties=ties, networks=stevns_networks())


def stevns(seed: int = 0, n: int = 250) -> Problem:
    """Build the synthetic "Stevns Evolution" composition problem.

    A pool of ``n`` candidates from the rural Danish municipality of Stevns,
    their acquaintance ties, and four networks to compose: ``vision``
    ("Vision"), ``food`` ("Fødevarer og Jordbrug"), ``outdoor`` ("Outdoor,
    Events og Sport") and ``industry`` ("Industri, Produktion og Håndværk").
    All people are fictitious; organisation names are invented except public
    institutions (Stevns Kommune, Stevns Klint (UNESCO verdensarv), Stevns
    Erhvervsråd, VisitStevns, the schools, the universities, Region Sjælland).

    Parameters
    ----------
    seed : int, default 0
        Random seed; the same seed and ``n`` give the same problem.
    n : int, default 250
        Pool size, 40 to 5000. The problem is feasible for ``n`` from 120
        to 2000 (checked for seeds 0-4 in the test suite).

    Returns
    -------
    Problem
        The validated problem, built with :func:`evocompose.load_problem`.

    Notes
    -----
    Facts the generator is built on (see ``DESIGN.md`` §1):

    * "Stevns Kommune had 1,296 workplaces with 5,462 employed [...] the
      fewest workplaces of the 17 municipalities in Region Zealand; a little
      over 70% of working residents commute out. Business life is dominated
      by many small firms." (trap.lex.dk, "Erhverv og arbejdsmarked i Stevns
      Kommune"). Hence: organisations have 1-3 candidates (65% one, 25% two,
      10% three), apart from a few capped larger actors.
    * "Almost 60% of private employment is in firms with fewer than 10
      full-time staff; construction is a relatively large share of private
      employment; 37% of firms are business services [...]; industry and
      transport are important for job growth; trade is growing."
      (Vækstvilkår 2017 Stevns, Center for Vækstanalyse). Hence the sector
      shares of the local pool: knowledge_services 20%, construction_crafts
      12%, associations_sport 11%, agriculture 10%, food_restaurants 8%,
      manufacturing 7%, tourism_outdoor 6%, public_administration 6%,
      education 6%, retail 5%, culture_heritage 5%, health 4%. Business
      services are ~29% of the private-sector candidates (below 37% because
      the network themes over-recruit farmers, chefs and outdoor operators).
    * Notable actors: an industrial laundry in Store Heddinge (invented name
      "Heddinge Industrivask A/S"), a seed company's research centre near
      Stevns Klint ("Klintholm Frøforskning", actor type ``knowledge``), the
      World Heritage site Stevns Klint, the municipality and the business
      council. Larger actors are capped at 3-15 candidates each.

    Modelling assumptions:

    * ``actor_type`` follows the sector: public administration and the
      schools are ``public``, associations ``civil``, the research centre,
      the business academy and universities ``knowledge``, firms
      ``private``; education and health mix public, private, civil and
      knowledge actors.
    * About 4% (at least 4) are external experts from Køge, København,
      Roskilde, Næstved or Sorø, assigned in rotation to the four themes.
    * Skills: 2-4 tags per person from a 22-tag taxonomy, drawn with
      sector-specific weights (plus a small uniform background). Themes are
      drawn per sector with fixed probabilities. Leaders (heads of larger
      actors, some firm owners; ~25% of the pool) also get the ``vision``
      theme and the ``strategy`` skill.
    * Relevance to a network = sector base (0.03-0.30) + theme bonus (0.25,
      0.40 for vision) if a theme tag matches + 0.06 per matching key skill
      (at most 3) + Gaussian noise (sd 0.06), clipped to [0, 1], 2 decimals.
    * Availability: 3-7 slots of mon-sat x morning/afternoon/evening,
      weighted by work rhythm: farmers are rarely free in mornings, public
      and knowledge staff in daytime, volunteers in evenings and on
      Saturdays, restaurants on Monday/Tuesday evenings. A person engaged in
      a theme (relevance >= 0.45) keeps that network's customary slot free
      (vision thu-afternoon, food tue-evening, outdoor wed-evening, industry
      wed-morning) with probability 0.75, or 0.25 if the slot is hard for
      their rhythm.
    * Capacity 1, or 2 for 12% of non-leaders, 35% of leaders and the three
      hubs (~19% overall).
    * Ties: everyone in the same organisation knows each other; other pairs
      are tied with probability ``sigmoid(b0 + 2.3 same_sector + 1.9
      same_village + 0.6 same_actor_type + 1.0 both_leaders - 1.0
      external)``, with ``b0`` calibrated so this part has mean degree 5.5;
      the mayor, the business council director and the World Heritage site
      leader are hubs with ~30 extra ties each (three times as likely to
      leaders). The resulting mean degree is ~8 and a same-sector
      same-village pair is ~50x more likely to be tied than a cross-sector
      cross-village pair.

    Examples
    --------
    >>> import evocompose.datasets.stevns_generator as st
    >>> problem = st.stevns(seed=0, n=250)  # doctest: +SKIP
    >>> tables = st.generate_stevns_tables(seed=0, n=250)
    >>> sorted(tables.candidates["sector"].unique())[:3]
    ['agriculture', 'associations_sport', 'construction_crafts']
    """
    from evocompose.io import load_problem

    tables = generate_stevns_tables(seed=seed, n=n)
    return load_problem(candidates=tables.candidates, ties=tables.ties, networks=tables.networks)


def write_stevns_example(folder: str | Path, seed: int = 0, n: int = 250) -> list[Path]:
    """Write the example files ``candidates.xlsx``, ``ties.csv`` and ``networks.toml``.

    Parameters
    ----------
    folder : str or pathlib.Path
        Target folder; created if missing. Existing files are overwritten.
    seed : int, default 0
        Random seed.
    n : int, default 250
        Pool size.

    Returns
    -------
    list of pathlib.Path
        The three written files.

    Examples
    --------
    >>> import tempfile
    >>> from evocompose.datasets.stevns_generator import write_stevns_example
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_stevns_example(d, n=60)]
    ['candidates.xlsx', 'ties.csv', 'networks.toml']
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate_stevns_tables(seed=seed, n=n)
    cand_path = out / "candidates.xlsx"
    cand = tables.candidates.copy()
    cand["external"] = cand["external"].map({True: "true", False: "false"})
    with pd.ExcelWriter(cand_path, engine="openpyxl") as writer:
        cand.to_excel(writer, sheet_name="candidates", index=False)
    ties_path = out / "ties.csv"
    tables.ties.to_csv(ties_path, index=False, encoding="utf-8", lineterminator="\n")
    toml_path = out / "networks.toml"
    toml_path.write_text(networks_toml_text(), encoding="utf-8")
    return [cand_path, ties_path, toml_path]


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m evocompose.datasets.stevns_generator --write FOLDER``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m evocompose.datasets.stevns_generator",
        description="Write the synthetic Stevns Evolution example files.",
    )
    parser.add_argument("--write", metavar="FOLDER", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("-n", "--n", type=int, default=250, help="pool size (default 250)")
    args = parser.parse_args(argv)
    for path in write_stevns_example(args.write, seed=args.seed, n=args.n):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
