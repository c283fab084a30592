"""Data tables of the synthetic "Stevns Evolution" example.

Pure data, no logic. :mod:`evocompose.datasets.stevns_generator` draws the
candidate pool and its ties from these tables:

* the vocabulary: sectors and their target shares, skills, themes, the four
  networks and their customary meeting slots, the villages of Stevns with
  their population weights, age bands, and common Danish first and last
  names;
* the sector profiles (:class:`Profile`) with their anchor organisations
  (:class:`Anchor`), the external experts (:class:`External`) and the fixed
  roles that always open the pool (:class:`FixedRole`);
* the parameters of the relevance, availability and tie models.

The facts behind these numbers (firm sizes and sector mix of Stevns, the
notable local actors) and the modelling assumptions, with their sources, are
documented in ``docs/stevns.md``. No real person appears: names are random
combinations of common first and last names, firms are invented, and only
public institutions keep their real names. Changing any value changes every
generated pool, so ``examples/stevns`` must be regenerated afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "AGE_BANDS",
    "AREAS",
    "BASE_DEFAULT",
    "BASE_RELEVANCE",
    "BETA_ACTOR",
    "BETA_AREA",
    "BETA_EXTERNAL",
    "BETA_LEADERS",
    "BETA_SECTOR",
    "CUSTOMARY_P_BUSY",
    "CUSTOMARY_P_FREE",
    "CUSTOMARY_SLOTS",
    "DAYS",
    "EXTERNALS",
    "FEMALE_NAMES",
    "FIXED_ROLES",
    "HUB_DEGREE",
    "KIND_STRENGTH",
    "LAST_NAMES",
    "MALE_NAMES",
    "NETWORK_NAMES",
    "NETWORK_SKILLS",
    "NETWORK_TAGS",
    "PROFILES",
    "RELEVANCE_NOISE",
    "RELEVANT",
    "SCHEDULES",
    "SCHEDULE_OF_ACTOR",
    "SECTORS",
    "SECTOR_SHARES",
    "SKILLS",
    "SKILL_BONUS",
    "SLOTS",
    "SMALL_VILLAGES",
    "TARGET_RANDOM_DEGREE",
    "THEMES",
    "THEME_BONUS",
    "TIMES",
    "Anchor",
    "External",
    "FixedRole",
    "Profile",
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
#: that slot free when their work rhythm allows (see
#: ``evocompose.datasets.stevns_generator._availability``).
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
SMALL_VILLAGES = frozenset(
    {"Holtug", "Lille Heddinge", "Højerup", "Magleby", "Lyderslev", "Tommestrup", "Valløby"}
)

AGE_BANDS: tuple[str, ...] = ("18-34", "35-49", "50-64", "65+")

FEMALE_NAMES = (
    "Anne", "Kirsten", "Mette", "Hanne", "Helle", "Susanne", "Lene", "Maria", "Marianne",
    "Lone", "Camilla", "Pia", "Louise", "Charlotte", "Tina", "Gitte", "Bente", "Karen",
    "Inge", "Jette", "Sofie", "Ida", "Emma", "Julie", "Laura", "Mathilde", "Freja",
    "Cecilie", "Line", "Maja", "Rikke", "Trine", "Signe", "Katrine", "Birgitte", "Dorthe",
    "Malene", "Stine", "Nanna", "Sara",
)  # fmt: skip
MALE_NAMES = (
    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan", "Niels",
    "Anders", "Morten", "Jesper", "Martin", "Christian", "Hans", "Rasmus", "Mads",
    "Frederik", "Mikkel", "Kasper", "Jakob", "Ole", "Poul", "Torben", "Bo", "Kim",
    "Claus", "Steen", "Carsten", "Jørgen", "Erik", "Bent", "Emil", "Magnus", "Oliver",
    "Lasse", "Simon", "Jonas", "Anton", "Kristian",
)  # fmt: skip
LAST_NAMES = (
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
class Anchor:
    """A larger organisation that always exists in its sector."""

    name: str
    actor_type: str
    area: str
    share: float  # share of the sector's candidates, before the cap
    cap: int  # at most this many candidates from the organisation
    themes: Mapping[str, float] | None = None  # replaces the sector's theme probabilities
    skills: Mapping[str, float] | None = None  # replaces the sector's skill weights


@dataclass(frozen=True)
class Profile:
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
    anchors: tuple[Anchor, ...] = ()
    templates_by_actor: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


PROFILES: dict[str, Profile] = {
    "agriculture": Profile(
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
    "food_restaurants": Profile(
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
    "tourism_outdoor": Profile(
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
        anchors=(Anchor("VisitStevns (turistkontor)", "public", "Store Heddinge", 0.12, 3),),
    ),
    "culture_heritage": Profile(
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
            Anchor("Stevns Klint (UNESCO verdensarv)", "public", "Højerup", 0.30, 8,
                    themes={"outdoor": 0.8, "events": 0.6, "food": 0.1}),
            Anchor("Stevns Museumsforening", "civil", "Store Heddinge", 0.10, 3),
        ),
    ),
    "construction_crafts": Profile(
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
    "manufacturing": Profile(
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
        anchors=(Anchor("Heddinge Industrivask A/S", "private", "Store Heddinge", 0.25, 8),),
    ),
    "retail": Profile(
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
    "knowledge_services": Profile(
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
            Anchor("Klintholm Frøforskning (forskningscenter)", "knowledge", "Holtug", 0.12, 8,
                    themes={"agriculture": 0.9, "food": 0.6, "production": 0.3,
                            "industry": 0.2},
                    skills={"research": 5, "product_development": 4, "food_production": 2,
                            "sustainability": 3, "export": 1.5}),
        ),
    ),
    "public_administration": Profile(
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
            Anchor("Stevns Kommune", "public", "Store Heddinge", 0.45, 15),
            Anchor("Stevns Erhvervsråd", "public", "Store Heddinge", 0.20, 5,
                    themes={"industry": 0.5, "food": 0.4, "outdoor": 0.3, "events": 0.3,
                            "production": 0.2}),
        ),
    ),
    "education": Profile(
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
            Anchor("Store Heddinge Skole", "public", "Store Heddinge", 0.22, 5),
            Anchor("Hårlev Skole", "public", "Hårlev", 0.15, 4),
            Anchor("Strøby Egede Skole", "public", "Strøby Egede", 0.15, 4),
            Anchor("Østsjællands Erhvervsakademi, Stevns", "knowledge", "Store Heddinge",
                    0.15, 5),
        ),
    ),
    "health": Profile(
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
        anchors=(Anchor("Stevns Sundhedscenter", "public", "Store Heddinge", 0.35, 6),),
    ),
    "associations_sport": Profile(
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
class External:
    organisation: str
    sector: str
    actor_type: str
    area: str
    role: str
    network: str
    themes: tuple[str, ...]
    skills: tuple[str, ...]


#: External experts, used in rotation so that each network has relevant ones.
EXTERNALS: tuple[External, ...] = (
    External("Københavns Universitet", "education", "knowledge", "København",
              "lektor, fødevarevidenskab", "food", ("food", "agriculture"),
              ("research", "food_production", "product_development", "sustainability")),
    External("Friluftsbureauet Øresund ApS", "tourism_outdoor", "private", "Køge",
              "eventkonsulent", "outdoor", ("outdoor", "events", "sport"),
              ("event_management", "outdoor_guiding", "marketing")),
    External("Roskilde Universitet", "education", "knowledge", "Roskilde",
              "lektor, produktionsudvikling", "industry", ("industry", "production"),
              ("research", "product_development", "sustainability", "energy")),
    External("Næstved Vækstrådgivning ApS", "knowledge_services", "private", "Næstved",
              "strategikonsulent", "vision", ("vision", "industry"),
              ("strategy", "finance", "funding_applications", "export")),
    External("Region Sjælland", "public_administration", "public", "Sorø",
              "regional udviklingskonsulent", "vision", ("vision", "food", "outdoor"),
              ("funding_applications", "strategy", "public_procurement")),
    External("Køge Madværksted", "food_restaurants", "private", "Køge", "køkkenchef",
              "food", ("food", "events"), ("food_production", "hospitality", "marketing")),
    External("Kystkultur Rådgivning", "culture_heritage", "private", "København",
              "formidlingskonsulent", "outdoor", ("outdoor", "events"),
              ("heritage_communication", "event_management", "funding_applications")),
    External("Sjællands Produktionsnetværk", "knowledge_services", "civil", "Roskilde",
              "netværkskoordinator", "industry", ("industry", "production", "crafts"),
              ("product_development", "logistics", "export", "sustainability")),
)  # fmt: skip


@dataclass(frozen=True)
class FixedRole:
    sector: str
    organisation: str
    actor_type: str
    area: str
    role: str
    leader: bool
    hub: bool = False


#: The first ids are always these people (names and details vary with the seed),
#: so that the network specification can name them in conflicts and must-pairs.
FIXED_ROLES: tuple[FixedRole, ...] = (
    FixedRole("public_administration", "Stevns Kommune", "public", "Store Heddinge",
               "borgmester", True, hub=True),
    FixedRole("public_administration", "Stevns Erhvervsråd", "public", "Store Heddinge",
               "erhvervsdirektør", True, hub=True),
    FixedRole("culture_heritage", "Stevns Klint (UNESCO verdensarv)", "public", "Højerup",
               "verdensarvskoordinator", True, hub=True),
    FixedRole("manufacturing", "Heddinge Industrivask A/S", "private", "Store Heddinge",
               "direktør", True),
    FixedRole("knowledge_services", "Klintholm Frøforskning (forskningscenter)", "knowledge",
               "Holtug", "centerleder", True),
    FixedRole("health", "Stevns Sundhedscenter", "public", "Store Heddinge", "centerleder",
               True),
    FixedRole("education", "Store Heddinge Skole", "public", "Store Heddinge", "skoleleder",
               True),
    FixedRole("agriculture", "Bakkegården Lille Heddinge", "private", "Lille Heddinge",
               "landmand", False),
    FixedRole("agriculture", "Østergård Lille Heddinge", "private", "Lille Heddinge",
               "landmand", False),
    FixedRole("food_restaurants", "Rødvig Havnekro", "private", "Rødvig", "restauratør",
               False),
    FixedRole("food_restaurants", "Restaurant Klintekanten", "private", "Rødvig",
               "køkkenchef", False),
    FixedRole("tourism_outdoor", "Rødvig Kajak & Kyst", "private", "Rødvig", "naturguide",
               False),
    FixedRole("tourism_outdoor", "Højerup Outdoor", "private", "Højerup", "naturguide",
               False),
    FixedRole("agriculture", "Stevns Landboforening", "civil", "Hårlev", "formand", True),
    FixedRole("food_restaurants", "Stevns Gårdmejeri", "private", "Tommestrup", "direktør",
               True),
)  # fmt: skip

# ---------------------------------------------------------------------------
# Relevance model
# ---------------------------------------------------------------------------

NETWORK_TAGS: dict[str, frozenset[str]] = {
    "vision": frozenset({"vision"}),
    "food": frozenset({"food", "agriculture"}),
    "outdoor": frozenset({"outdoor", "events", "sport"}),
    "industry": frozenset({"industry", "production", "crafts"}),
}
NETWORK_SKILLS: dict[str, frozenset[str]] = {
    "vision": frozenset({"strategy", "funding_applications", "finance", "sustainability",
                         "digital"}),
    "food": frozenset({"food_production", "hospitality", "sustainability"}),
    "outdoor": frozenset({"outdoor_guiding", "event_management", "sports_coaching",
                          "heritage_communication", "hospitality"}),
    "industry": frozenset({"product_development", "construction", "crafts", "logistics",
                           "energy", "export"}),
}  # fmt: skip
BASE_RELEVANCE: dict[str, dict[str, float]] = {
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
BASE_DEFAULT = {"vision": 0.08, "food": 0.05, "outdoor": 0.03, "industry": 0.03}
THEME_BONUS = {"vision": 0.40, "food": 0.30, "outdoor": 0.30, "industry": 0.30}
SKILL_BONUS = 0.06
RELEVANCE_NOISE = 0.06

# ---------------------------------------------------------------------------
# Availability model
# ---------------------------------------------------------------------------

# weight per (day, time) for each work rhythm; rows mon..sat, columns morning..evening
SCHEDULES: dict[str, np.ndarray] = {
    "farmer": np.array([[0.15, 0.6, 1.0]] * 5 + [[0.05, 0.3, 0.4]]),
    "daytime": np.array([[1.0, 1.0, 0.25]] * 5 + [[0.05, 0.05, 0.1]]),
    "business": np.array([[0.7, 0.8, 0.6]] * 5 + [[0.2, 0.2, 0.2]]),
    "tourism": np.array([[0.7, 0.6, 0.7]] * 5 + [[0.1, 0.1, 0.1]]),
    "restaurant": np.array([[0.5, 0.8, 1.0]] * 2 + [[0.6, 0.7, 0.1]] * 3 + [[0.2, 0.1, 0.02]]),
    "volunteer": np.array([[0.25, 0.4, 1.0]] * 5 + [[0.7, 0.6, 0.3]]),
}
SCHEDULE_OF_ACTOR = {"public": "daytime", "knowledge": "daytime", "civil": "volunteer"}
CUSTOMARY_P_FREE = 0.75  # engaged person keeps the customary slot free ...
CUSTOMARY_P_BUSY = 0.25  # ... unless their rhythm makes that slot hard (weight < 0.3)
RELEVANT = 0.45  # relevance from which a person counts as engaged in a theme

# ---------------------------------------------------------------------------
# Tie model (logit, calibrated to a target mean degree)
# ---------------------------------------------------------------------------

TARGET_RANDOM_DEGREE = 5.5  # mean degree of the logit part (organisation and hub ties come on top)
BETA_SECTOR = 2.3
BETA_AREA = 1.9
BETA_ACTOR = 0.6
BETA_LEADERS = 1.0
BETA_EXTERNAL = -1.0
# expected number of extra ties of each hub (mayor, council director, site leader)
HUB_DEGREE = 30.0

KIND_STRENGTH: dict[str, tuple[float, float]] = {
    "family": (0.7, 1.0),
    "work": (0.4, 0.9),
    "board": (0.4, 0.8),
    "club": (0.2, 0.7),
    "neighbour": (0.2, 0.6),
}
