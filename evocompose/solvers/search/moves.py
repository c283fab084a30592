"""Neighbourhoods of the local search and their feasibility-preserving evaluation.

A move is a list of ``(person, network)`` toggles. :func:`expand` makes every
toggle move a person's whole must-pair component along (so must-pairs can
never split), :func:`try_move` applies the toggles to a
:class:`~evocompose.solvers.search.state.SearchState`, checks every hard rule
the move touched (:meth:`SearchState.local_ok`) and undoes it when broken.

:class:`Neighbourhood` proposes moves — *replace* (a member out, a
non-member in), *swap* (two members of different networks trade places),
*move* (a member changes network), *add* and *remove* (when the size bounds
allow) — by scoring all candidates at once with numpy from the state's
counts, then evaluating the few best exactly. The meeting slot of each
network is not a move: the objective does not depend on it, so the state
always uses the allowed slot with most members available.
"""

from __future__ import annotations

import time

import numpy as np

from .state import Compiled, SearchState

__all__ = ["Move", "Neighbourhood", "apply", "expand", "try_move", "undo"]

#: ``(person, network)`` toggles, in application order.
Move = list[tuple[int, int]]


def expand(compiled: Compiled, changes: Move) -> Move:
    """Add the must-pair partners of every toggled person (same network, same direction).

    Parameters
    ----------
    compiled : Compiled
    changes : list of (int, int)

    Returns
    -------
    list of (int, int)
        Unique toggles, partners right after the person they follow.
    """
    out: Move = []
    seen: set[tuple[int, int]] = set()
    for i, g in changes:
        for j in compiled.must_unit[i] if compiled.in_must_unit[i] else (i,):
            if (j, g) not in seen:
                seen.add((j, g))
                out.append((j, g))
    return out


def apply(state: SearchState, changes: Move) -> float:
    """Apply toggles; return the exact change of the objective."""
    return sum(state.toggle(i, g) for i, g in changes)


def undo(state: SearchState, changes: Move) -> None:
    """Revert toggles applied by :func:`apply`."""
    for i, g in reversed(changes):
        state.toggle(i, g)


def try_move(state: SearchState, changes: Move) -> float | None:
    """Apply a move if it keeps every hard rule; otherwise leave the state unchanged.

    Parameters
    ----------
    state : SearchState
    changes : list of (int, int)
        Already expanded toggles.

    Returns
    -------
    float or None
        The exact objective change (the move stays applied), or ``None``
        when the move breaks a rule (the state is restored).
    """
    compiled = state.compiled
    X = state.member
    for i, g in changes:
        if X[i, g]:
            if compiled.pinned_in[i, g]:
                return None
        elif not compiled.allowed[i, g]:
            return None
    d = apply(state, changes)
    if state.local_ok(changes):
        return d
    undo(state, changes)
    return None


class Neighbourhood:
    """Move proposals scored from the state's counts.

    Parameters
    ----------
    state : SearchState
    rng : numpy.random.Generator
    top_k : int
        How many of the best-scored candidates are evaluated exactly.
    """

    def __init__(self, state: SearchState, rng: np.random.Generator, top_k: int = 3) -> None:
        self.state = state
        self.compiled = state.compiled
        self.rng = rng
        self.top_k = top_k

    # ------------------------------------------------------------- scoring
    def add_scores(self, g: int, idx: np.ndarray) -> np.ndarray:
        """Approximate gain of adding each of ``idx`` (non-members) to ``g``.

        The sum of the terms' :meth:`~.terms.SearchTerm.scores`: exact except
        for the cohesion bonus of the newcomer's neighbours.
        """
        v = np.zeros(idx.size)
        for t in self.compiled.terms:
            v += t.scores(self.state, g, idx)
        return v

    def pair_values(self, g: int, idx: np.ndarray, o: int) -> np.ndarray:
        """Weighted pair value in network ``g`` between each of ``idx`` and ``o``."""
        v = np.zeros(idx.size)
        for t in self.compiled.terms:
            p = t.pair(self.compiled, g, idx, o)
            if p is not None:
                v += p
        return v

    def _free_for(self, g: int, idx: np.ndarray) -> np.ndarray:
        """Mask of ``idx`` who could join ``g`` without breaking capacity or sharing."""
        compiled, st = self.compiled, self.state
        ok = (
            ~st.member[idx, g]
            & (st.seats[idx] < compiled.capacity[idx])
            & (st.conflicts_inside[idx, g] == 0)
        )
        if compiled.G > 1:
            ok &= ~(st.member[idx] & compiled.no_share[g]).any(axis=1)
        return np.asarray(ok)

    def _removable(self, g: int) -> list[int]:
        compiled = self.compiled
        return sorted(i for i in self.state.members[g] if not compiled.pinned_in[i, g])

    def _best(self, options: list[Move]) -> tuple[float, Move] | None:
        """Evaluate moves exactly (apply, check, undo); the best feasible one."""
        best: tuple[float, Move] | None = None
        for changes in options:
            d = try_move(self.state, changes)
            if d is None:
                continue
            undo(self.state, changes)
            if best is None or d > best[0]:
                best = (d, changes)
        return best

    def _top(self, scores: np.ndarray) -> np.ndarray:
        k = min(self.top_k, scores.size)
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        noisy = scores + self.rng.random(scores.size) * 1e-6
        part = np.argpartition(-noisy, k - 1)[:k]
        return part[np.argsort(-noisy[part])]

    # --------------------------------------------------------------- moves
    def replace(self, g: int) -> tuple[float, Move] | None:
        """Best of a few exact replace moves in network ``g``.

        Parameters
        ----------
        g : int

        Returns
        -------
        (float, list) or None
            Exact objective change and the (expanded) toggles, not applied.
        """
        compiled = self.compiled
        out = self._removable(g)
        if not out:
            return None
        o = out[int(self.rng.integers(len(out)))]
        idx = compiled.allowed_idx[g]
        idx = idx[self._free_for(g, idx)]
        if idx.size == 0:
            return None
        scores = self.add_scores(g, idx) - self.pair_values(g, idx, o)
        picks = idx[self._top(scores)]
        return self._best([expand(compiled, [(o, g), (int(i), g)]) for i in picks])

    def swap(self, g: int, h: int) -> tuple[float, Move] | None:
        """Best of a few exact swaps of a member of ``g`` with members of ``h``."""
        compiled, st = self.compiled, self.state
        out = [i for i in self._removable(g) if not st.member[i, h] and compiled.allowed[i, h]]
        if not out:
            return None
        i = out[int(self.rng.integers(len(out)))]
        cand = np.array(
            [j for j in self._removable(h) if not st.member[j, g] and compiled.allowed[j, g]],
            dtype=np.int64,
        )
        if cand.size == 0:
            return None
        pair = self.pair_values(g, cand, i)
        score = self.add_scores(g, cand) - pair
        score -= np.array([st.contrib(int(j), h) for j in cand])
        picks = cand[self._top(score)]
        return self._best(
            [expand(compiled, [(i, g), (int(j), h), (int(j), g), (i, h)]) for j in picks]
        )

    def move(self, g: int) -> tuple[float, Move] | None:
        """A member of ``g`` moves to the best of a few other networks."""
        compiled, st = self.compiled, self.state
        out = self._removable(g)
        if not out:
            return None
        i = out[int(self.rng.integers(len(out)))]
        hs = [
            h
            for h in range(compiled.G)
            if h != g and not st.member[i, h] and compiled.allowed[i, h]
        ]
        if not hs:
            return None
        if len(hs) > self.top_k:
            hs = [hs[int(k)] for k in self.rng.choice(len(hs), self.top_k, replace=False)]
        return self._best([expand(compiled, [(i, g), (i, h)]) for h in hs])

    def add(self, g: int) -> tuple[float, Move] | None:
        """Best of a few exact additions to ``g``."""
        compiled, st = self.compiled, self.state
        if st.size[g] >= compiled.max_size[g]:
            return None
        idx = compiled.allowed_idx[g]
        idx = idx[self._free_for(g, idx)]
        if idx.size == 0:
            return None
        picks = idx[self._top(self.add_scores(g, idx))]
        return self._best([expand(compiled, [(int(i), g)]) for i in picks])

    def remove(self, g: int) -> tuple[float, Move] | None:
        """Best of a few exact removals from ``g``."""
        compiled, st = self.compiled, self.state
        if st.size[g] <= compiled.min_size[g]:
            return None
        out = self._removable(g)
        if not out:
            return None
        if len(out) > self.top_k:
            out = [out[int(k)] for k in self.rng.choice(len(out), self.top_k, replace=False)]
        return self._best([expand(compiled, [(i, g)]) for i in out])


class Repair:
    """Min-conflicts construction: from pins, reduce the total rule violation to zero.

    Size, quota, skill, meeting, cohesion, bridge and required violations are
    counted (:meth:`violation`); capacity, sharing, eligibility, conflicts,
    must-pairs, pins, organisation limits and ``max_size`` stay hard throughout.
    Each step evaluates a sample of add, replace and remove moves exactly and
    applies the one that lowers the violation most (ties: better objective),
    with a short tabu list against cycling.

    Parameters
    ----------
    state : SearchState
        Usually empty; pins are placed by :meth:`run`.
    rng : numpy.random.Generator
    sample : int
        Candidates sampled per step.
    """

    def __init__(self, state: SearchState, rng: np.random.Generator, sample: int = 10) -> None:
        self.state = state
        self.compiled = state.compiled
        self.rng = rng
        self.sample = sample
        self.nb = Neighbourhood(state, rng)
        self.tabu: dict[tuple[int, int], int] = {}
        self.nv = np.zeros(self.compiled.G, dtype=np.int64)  # cached net_violation per network

    # ------------------------------------------------------------ violation
    def net_violation(self, g: int) -> int:
        """Violation of the count rules of network ``g`` (0 when they hold)."""
        compiled, st = self.compiled, self.state
        s = int(st.size[g])
        v = max(0, int(compiled.min_size[g]) - s) + max(0, s - int(compiled.max_size[g]))
        sc = min(s, int(compiled.max_size[g]))
        for k, q in enumerate(compiled.quotas[g]):
            c = int(st.quota_count[g][k])
            v += max(0, int(q.lo[sc]) - c) + max(0, c - int(q.hi[sc]))
        for k, m in compiled.skill_req[g]:
            v += max(0, m - int(st.skill_count[g, k]))
        allowed, req = compiled.meeting_slots[g], compiled.meeting_need[g]
        if allowed is not None and req is not None and s > 0:
            best = int(st.free_count[g, allowed].max()) if allowed.size else 0
            v += max(0, int(req[sc]) - best)
        mk = int(compiled.min_known[g])
        if mk > 0 and s > 0:
            idx = np.fromiter(st.members[g], dtype=np.int64, count=s)
            v += int(np.maximum(0, mk - st.known_inside[idx, g]).sum())
        return v

    def bridge_violation(self) -> int:
        """Missing bridged members over every bridge rule."""
        return self.state.bridge_shortfall()

    def violation(self) -> int:
        """Total violation of the current state (0 means feasible)."""
        compiled, st = self.compiled, self.state
        v = sum(self.net_violation(g) for g in range(compiled.G)) + self.bridge_violation()
        return v + int((compiled.required & (st.seats == 0)).sum())

    def _local(self, nets: set[int], people: set[int]) -> int:
        compiled, st = self.compiled, self.state
        v = sum(self.net_violation(g) for g in nets) + self.bridge_violation()
        return v + sum(1 for p in people if compiled.required[p] and st.seats[p] == 0)

    def _hard_ok(self, changes: Move) -> bool:
        compiled, st = self.compiled, self.state
        nets: dict[int, set[int]] = {}
        for i, g in changes:
            nets.setdefault(g, set()).add(i)
        for g, people in nets.items():
            if st.size[g] > compiled.max_size[g] or not st.max_per_ok(g, people):
                return False
        for i in {i for i, _ in changes}:
            k = int(st.seats[i])
            if k > compiled.capacity[i] or np.any(compiled.pinned_in[i] & ~st.member[i]):
                return False
            if k:
                ns = np.flatnonzero(st.member[i])
                if np.any(st.conflicts_inside[i, ns]) or (
                    k > 1 and np.any(compiled.no_share[np.ix_(ns, ns)])
                ):
                    return False
        return True

    def _eval(self, changes: Move) -> tuple[int, float] | None:
        compiled, st = self.compiled, self.state
        for i, g in changes:
            if st.member[i, g]:
                if compiled.pinned_in[i, g]:
                    return None
            elif not compiled.allowed[i, g]:
                return None
        nets = {g for _, g in changes}
        people = {i for i, _ in changes}
        before = int(sum(self.nv[g] for g in nets)) + st.bridge_shortfall()
        before += sum(1 for p in people if compiled.required[p] and st.seats[p] == 0)
        d = apply(st, changes)
        ok = self._hard_ok(changes)
        after = self._local(nets, people) if ok else 0
        undo(st, changes)
        return (after - before, d) if ok else None

    # ----------------------------------------------------------------- run
    def _need_scores(self, g: int, idx: np.ndarray) -> np.ndarray:
        """How much each of ``idx`` would help the count rules of ``g`` that are short."""
        compiled, st = self.compiled, self.state
        s = int(st.size[g])
        sc = min(s + 1, int(compiled.max_size[g]))
        v = np.zeros(idx.size)
        for k, q in enumerate(compiled.quotas[g]):
            c = int(st.quota_count[g][k])
            if c < q.lo[sc]:
                v += compiled.quota_mask[g][idx, k]
            elif c >= q.hi[sc]:
                v -= compiled.quota_mask[g][idx, k]
        for k, m in compiled.skill_req[g]:
            if st.skill_count[g, k] < m:
                v += compiled.holds[idx, k]
        allowed = compiled.meeting_slots[g]
        if allowed is not None and allowed.size:
            best = int(allowed[int(np.argmax(st.free_count[g, allowed]))])
            v += compiled.free[idx, best]
        mk = int(compiled.min_known[g])
        if mk > 0:
            v += np.minimum(st.known_inside[idx, g], mk) / mk
        return v

    def _candidates(self, g: int, extra: np.ndarray | None = None) -> np.ndarray:
        """Sampled candidates for ``g``: the most needed, random ones and ``extra`` people."""
        compiled = self.compiled
        idx = compiled.allowed_idx[g]
        idx = idx[self.nb._free_for(g, idx)]
        k = self.sample // 2
        if idx.size > self.sample:
            score = self._need_scores(g, idx) * 1000.0 + self.nb.add_scores(g, idx)
            score += self.rng.random(idx.size) * 1e-3
            top = idx[np.argpartition(-score, k - 1)[:k]]
            idx = np.concatenate([top, self.rng.choice(idx, self.sample - k, replace=False)])
        if extra is not None and extra.size:
            ex = np.unique(extra)
            ex = ex[compiled.allowed[ex, g] & self.nb._free_for(g, ex)]
            if ex.size > self.sample:
                ex = self.rng.choice(ex, self.sample, replace=False)
            idx = np.concatenate([idx, ex])
        return np.unique(idx)

    def _reached_by(self, g: int) -> np.ndarray:
        """Members of ``g`` and their tie neighbours."""
        compiled, st = self.compiled, self.state
        ms = sorted(st.members[g])
        parts = [np.array(ms, dtype=np.int64), *(compiled.neighbours[i] for i in ms)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def _short_bridges(self) -> list[tuple[int, int]]:
        compiled, st = self.compiled, self.state
        out = []
        for b, m, _tm in compiled.bridges:
            for h in np.flatnonzero((st.bridged[b] < m) & (st.size > 0)):
                if h != b:
                    out.append((b, int(h)))
        return out

    def run(self, deadline: float, max_steps: int | None = None) -> bool:
        """Place the pins, then repair until feasible or out of time.

        Parameters
        ----------
        deadline : float
            ``time.perf_counter()`` value to stop at.
        max_steps : int, optional

        Returns
        -------
        bool
            Whether the state is feasible (all hard rules hold).
        """
        compiled, st = self.compiled, self.state
        for i, g in zip(*np.nonzero(compiled.pinned_in), strict=True):
            if not st.member[i, g]:
                apply(st, expand(compiled, [(int(i), int(g))]))
        step = 0
        self.nv = np.array([self.net_violation(g) for g in range(compiled.G)], dtype=np.int64)
        total = self.violation()
        while total > 0:
            if time.perf_counter() >= deadline or (max_steps is not None and step >= max_steps):
                return False
            step += 1
            bad = np.flatnonzero(self.nv > 0).tolist()
            unplaced = np.flatnonzero(compiled.required & (st.seats == 0))
            short = self._short_bridges()
            kinds = [
                k
                for k, have in (
                    ("req", bool(unplaced.size)),
                    ("net", bool(bad)),
                    ("bridge", bool(short)),
                )
                if have
            ]
            options: list[Move] = []
            kind = kinds[int(self.rng.integers(len(kinds)))] if kinds else ""
            if not kind:
                break
            if kind == "req":
                p = int(unplaced[int(self.rng.integers(unplaced.size))])
                for g in np.flatnonzero(compiled.allowed[p]):
                    options.append(expand(compiled, [(p, int(g))]))
                    for o in self.nb._removable(int(g))[:3]:
                        options.append(expand(compiled, [(o, int(g)), (p, int(g))]))
            else:
                extra = None
                if kind == "net":
                    g = bad[int(self.rng.integers(len(bad)))]
                else:
                    b, h = short[int(self.rng.integers(len(short)))]
                    if self.rng.random() < 0.5:
                        g, extra = b, self._reached_by(h)
                    else:
                        g, extra = h, self._reached_by(b)
                cand = self._candidates(g, extra)
                members = self.nb._removable(g)
                full = st.size[g] >= compiled.max_size[g]
                for i in cand:
                    i = int(i)
                    if self.tabu.get((i, g), -1) >= step:
                        continue
                    if not full:
                        options.append(expand(compiled, [(i, g)]))
                    if members and (full or self.rng.random() < 0.3):
                        o = members[int(self.rng.integers(len(members)))]
                        options.append(expand(compiled, [(o, g), (i, g)]))
                for o in members:
                    if self.tabu.get((o, g), -1) < step:
                        options.append(expand(compiled, [(o, g)]))
            best: tuple[int, float, Move] | None = None
            for ch in options:
                r = self._eval(ch)
                if r is None:
                    continue
                key = (r[0], -r[1])
                if best is None or key < (best[0], -best[1]):
                    best = (r[0], r[1], ch)
            if best is None:
                continue
            if best[0] > 0 and self.rng.random() < 0.5:
                continue
            apply(st, best[2])
            for g in {g for _, g in best[2]}:
                self.nv[g] = self.net_violation(g)
            tenure = 5 + int(self.rng.integers(10))
            for i, g in best[2]:
                self.tabu[(i, g)] = step + tenure
            total += best[0]
        return st.feasible()
