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

The assumptions are documented in :func:`stevns` and in ``docs/stevns.md``; the
data tables (vocabulary, sector profiles, model parameters) live in
:mod:`evocompose.datasets.stevns_tables`.

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
from typing import Any

import numpy as np
import pandas as pd

from evocompose.data import Problem
from evocompose.datasets.stevns_tables import (
    AGE_BANDS,
    AREAS,
    BASE_DEFAULT,
    BASE_RELEVANCE,
    BETA_ACTOR,
    BETA_AREA,
    BETA_EXTERNAL,
    BETA_LEADERS,
    BETA_SECTOR,
    CUSTOMARY_P_BUSY,
    CUSTOMARY_P_FREE,
    CUSTOMARY_SLOTS,
    EXTERNALS,
    FEMALE_NAMES,
    FIXED_ROLES,
    HUB_DEGREE,
    KIND_STRENGTH,
    LAST_NAMES,
    MALE_NAMES,
    NETWORK_NAMES,
    NETWORK_SKILLS,
    NETWORK_TAGS,
    PROFILES,
    RELEVANCE_NOISE,
    RELEVANT,
    SCHEDULE_OF_ACTOR,
    SCHEDULES,
    SECTOR_SHARES,
    SECTORS,
    SKILL_BONUS,
    SKILLS,
    SLOTS,
    SMALL_VILLAGES,
    TARGET_RANDOM_DEGREE,
    THEME_BONUS,
    THEMES,
    Anchor,
    External,
    Profile,
)
from evocompose.io import load_problem

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
    w = {a: v * (2.5 if rural and a in SMALL_VILLAGES else 1.0) for a, v in AREAS.items()}
    return _weighted_choice(rng, w)


def _org_name(
    rng: np.random.Generator, prof: Profile, actor: str, area: str, used: set[str]
) -> str:
    templates = prof.templates_by_actor.get(actor, prof.org_templates)
    for _ in range(20):
        tpl = templates[int(rng.integers(len(templates)))]
        name = tpl.format(last=LAST_NAMES[int(rng.integers(len(LAST_NAMES)))], village=area)
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
    external: External | None = None
    fixed: bool = False
    anchor: Anchor | None = None


def _build_people(rng: np.random.Generator, n: int) -> list[_Person]:
    n_ext = max(4, round(0.04 * n))
    n_loc = n - n_ext
    fixed_counts: dict[str, int] = {}
    for f in FIXED_ROLES:
        fixed_counts[f.sector] = fixed_counts.get(f.sector, 0) + 1
    counts = _allocate(n_loc, SECTOR_SHARES, fixed_counts)

    anchors = {a.name: a for prof in PROFILES.values() for a in prof.anchors}
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
        for f in FIXED_ROLES
    ]
    used: set[str] = {f.organisation for f in FIXED_ROLES}
    others: list[_Person] = []
    for sector in SECTORS:
        prof = PROFILES[sector]
        left = counts[sector] - fixed_counts.get(sector, 0)
        for anc in prof.anchors:
            have = sum(1 for f in FIXED_ROLES if f.organisation == anc.name)
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
        ext = EXTERNALS[k % len(EXTERNALS)]
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
    firsts = FEMALE_NAMES if female else MALE_NAMES
    first = firsts[int(rng.integers(len(firsts)))]
    last = LAST_NAMES[int(rng.integers(len(LAST_NAMES)))]
    if rng.random() < 0.3:
        middle = LAST_NAMES[int(rng.integers(len(LAST_NAMES)))]
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
        r = BASE_RELEVANCE[net].get(sector, BASE_DEFAULT[net])
        if themes & NETWORK_TAGS[net]:
            r += THEME_BONUS[net]
        r += SKILL_BONUS * min(3, len(skills & NETWORK_SKILLS[net]))
        r += float(rng.normal(0.0, RELEVANCE_NOISE))
        out[net] = round(min(1.0, max(0.0, r)), 2)
    return out


def _availability(
    rng: np.random.Generator,
    schedule: str,
    relevance: Mapping[str, float],
    forced: Sequence[str] = (),
) -> list[str]:
    w = SCHEDULES[schedule].ravel()
    k = int(rng.integers(3, 8))
    idx = _sample(rng, w, k)
    chosen = {SLOTS[int(i)] for i in idx}
    for net in NETWORK_NAMES:
        slot = CUSTOMARY_SLOTS[net]
        if relevance[net] < RELEVANT or slot in chosen:
            continue
        p = CUSTOMARY_P_FREE if w[SLOTS.index(slot)] >= 0.3 else CUSTOMARY_P_BUSY
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
        prof = PROFILES[p.sector]
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
                else SCHEDULE_OF_ACTOR.get(p.actor_type, prof.schedule)
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
            BETA_SECTOR * (code & 1)
            + BETA_AREA * ((code >> 1) & 1)
            + BETA_ACTOR * ((code >> 2) & 1)
            + BETA_LEADERS * ((code >> 3) & 1)
            + BETA_EXTERNAL * ((code >> 4) & 1)
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
    target = TARGET_RANDOM_DEGREE * n / 2
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
        lo_s, hi_s = KIND_STRENGTH[kind]
        kinds.append(kind)
        strengths.append(round(max(0.05, float(rng.uniform(lo_s, hi_s))), 2))
    return pd.DataFrame(
        {"a": ids[a], "b": ids[b], "strength": np.array(strengths, dtype=float), "kind": kinds}
    )


def _hub_p(n: int, leader: np.ndarray | bool) -> np.ndarray:
    base = min(0.5, HUB_DEGREE / max(n - 1, 1))
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
    Facts the generator is built on (see ``docs/stevns.md``):

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
    * Relevance to a network = sector base (0.03-0.30) + theme bonus (0.30,
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
