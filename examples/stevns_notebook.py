# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Stevns Evolution: evocompose versus a hand-picked proposal
#
# The synthetic Stevns example: a pool of local business people, who already
# knows whom, and four networks to compose (Vision, Food & Agriculture,
# Outdoor/Events/Sport, Industry/Production/Crafts). We
#
# 1. load the three example files,
# 2. simulate how a steering group would pick by hand (the "snowball"
#    through acquaintances) — and show how to read a real proposal from Excel,
# 3. compose the networks with evocompose (5 seconds),
# 4. compare both on the same yardsticks, and draw them;
# 5. then the steering group's process: an impossible plan diagnosed, declines
#    repaired, every member explained, the next round renewed, a result reproduced.

# %%
import dataclasses
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import evocompose as evo
from evocompose.compare import compare
from evocompose.handpicked import handpick
from evocompose.io import load_problem, read_composition
from evocompose.plotting import plot_network, plot_scorecard, plot_tie_matrix
from evocompose.solve import solve

# %% [markdown]
# ## 1. Load the problem
#
# `examples/stevns/` holds `candidates.xlsx` (one row per person),
# `ties.csv` (who knows whom) and `networks.toml` (the four networks and their
# rules). If the files are missing (e.g. a fresh checkout without them), we
# write them with the generator that made them.

# %%
FILES = ("candidates.xlsx", "ties.csv", "networks.toml")
folders = [Path.cwd() / "stevns", Path.cwd() / "examples" / "stevns"]
folders += [p / "examples" / "stevns" for p in Path.cwd().parents]
folder = next((f for f in folders if all((f / name).exists() for name in FILES)), None)
workdir = Path(tempfile.mkdtemp(prefix="evocompose-stevns-"))
if folder is None:
    from evocompose.datasets.stevns_generator import write_stevns_example

    folder = workdir
    write_stevns_example(folder)

problem = load_problem(
    candidates=folder / "candidates.xlsx",
    ties=folder / "ties.csv",
    networks=folder / "networks.toml",
)
print(problem)

# %% [markdown]
# ## 2. A hand-picked proposal
#
# `handpick(problem, "snowball")` simulates a steering group that starts from
# two well-connected people and fills each network through their
# acquaintances. It respects sizes, capacity and "one per organisation", but
# does not plan for quotas or skills.

# %%
hand = handpick(problem, "snowball", seed=0)
print({net: hand.size(net) for net in hand.networks})

# %% [markdown]
# A real proposal usually arrives as a spreadsheet with the columns
# `network`, `candidate_id` (and optionally `slot`). Here we write the simulated
# proposal to Excel the way a steering group would send it, and read it back
# with `read_composition`, which checks every network and person against the
# problem.

# %%
sheet = workdir / "handpicked.xlsx"
hand.to_frame(problem, pseudonymise=True).to_excel(sheet, index=False)
proposal = read_composition(sheet, problem)
assert proposal == hand
proposal.to_frame(problem, pseudonymise=True).head()

# %% [markdown]
# ## 3. Compose with evocompose
#
# CP-SAT with a 5-second budget and 2 workers. The summary reports the status,
# the objective, the best bound and the gap — "OPTIMAL" only when proven.
# On a slow or busy machine 5 seconds may not be enough to find a first
# composition; we then give the solver the hand-picked proposal as a starting
# point (`hint=`), from which it repairs the broken rules.

# %%
result = solve(problem, time_limit=5, seed=0, workers=2)
if result.composition is None:
    print(f"no composition after 5 s ({result.status}); starting from the proposal")
    result = solve(problem, time_limit=5, seed=0, workers=2, hint=proposal)
print(result.summary())

# %% [markdown]
# ## 4. Compare
#
# Every headline yardstick side by side, the objective and its terms, the
# broken rules, and percentiles against random compositions of admissible
# size (50 here to keep it quick; the default is 200).

# %%
card = compare(
    problem,
    {"hand-picked (snowball)": proposal, "evocompose": result},
    null_samples=50,
    seed=0,
)
print(card)

# %%
card  # noqa: B018  (in a notebook: the best value per row is highlighted, violations listed)

# %%
card.ratios("hand-picked (snowball)").loc[list(card.key_rows)].round(2)

# %% [markdown]
# ## 5. Plots

# %%
ax = plot_scorecard(card)
plt.show()

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 6))
plot_network(problem, proposal, "food", ax=axes[0])
axes[0].set_title("Food & Agriculture: hand-picked (snowball)")
plot_network(problem, result, "food", ax=axes[1])
axes[1].set_title("Food & Agriculture: evocompose")
fig.tight_layout()
plt.show()

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 6))
plot_tie_matrix(problem, proposal, ax=axes[0])
axes[0].set_title("New ties between sectors: hand-picked")
plot_tie_matrix(problem, result, ax=axes[1])
axes[1].set_title("New ties between sectors: evocompose")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 6. Trade-offs and a fair lottery
#
# **What does more sector diversity cost in relevance?** `pareto` computes the
# trade-off front: for a few levels of relevance, the most sector diversity
# any composition keeping every rule can reach (CP-SAT, one solve per point,
# side by side in worker processes). Filled points are proven to lie on the
# front; hollow ones are the best found in the few seconds given, with a
# dotted line up to the most that could at most be reached there.

# %%
from evocompose import check, lottery, pareto  # noqa: E402  (this section's own imports)
from evocompose.plotting import plot_front  # noqa: E402

front = pareto(problem, x="relevance", y="sector", points=4, time_limit=3, start=result)
front[["kind", "level", "relevance", "sector", "y_bound", "status", "on_front"]].round(2)

# %%
ax = plot_front(front)
plt.show()

# %% [markdown]
# **Who gets a seat?** Many people are nearly as suitable as those the single
# best composition picks. A *selection lottery* draws one composition from
# many that keep every rule and score within 5 % of the best, with
# probabilities chosen so that the lowest chance anyone suitable gets is as
# high as possible (maximin, Flanigan et al., *Nature* 2021). The summary
# states the guarantee; in Danish with `summary("da")`.

# %%
lot = lottery(problem, tolerance=0.05, time_limit=20, best=result)
print(lot.summary())
assert all(check(problem, c) == [] for c in lot.compositions)

# %%
print(lot.summary("da"))

# %% [markdown]
# Each person's chance overall and per network (the weighted membership
# frequencies over the compositions), and the same figures for the single
# best composition alone:

# %%
lot.probabilities.sort_values("any network").head(8).round(3)

# %%
lot.figures()

# %% [markdown]
# **The draw.** Publish the distribution (`lot.to_frame()`, ids only) and its
# fingerprint, announce a seed, then draw: the same seed gives the same
# composition on any machine.

# %%
print("fingerprint:", lot.fingerprint)
seat = lot.draw(seed=20260315)
assert check(problem, seat) == [] and seat == lot.draw(seed=20260315)
seat.to_frame(problem, pseudonymise=True).groupby("network").size()
# ## 7. The steering group's process
#
# Composing is not one shot: invitations go out, some decline; the plan may be
# impossible; every choice must be justified; the networks are renewed.
#
# ### An impossible plan: what to relax
#
# Suppose the steering group asks for 12 farmers in Food & Agriculture. With
# at least 2 restaurants and 1 public or knowledge member that is 15 people
# for at most 14 seats. `diagnose` names the smallest set of conflicting rules
# with the numbers behind them, and the smallest change to each rule that
# makes the plan possible — each verified by composing.

# %%
greedy = problem.replace(
    networks=tuple(
        dataclasses.replace(
            s,
            quotas=tuple(
                dataclasses.replace(q, min=12) if q.values == ("agriculture",) else q
                for q in s.quotas
            ),
        )
        if s.name == "food"
        else s
        for s in problem.networks
    )
)
diagnosis = evo.diagnose(greedy, time_limit=20, objective_time=1.0)
print(diagnosis)
print()
print(diagnosis.text("da"))

# %% [markdown]
# ### Declines: replace with as few changes as possible
#
# Two invited people decline, three have accepted. `recompose` keeps the
# accepted where they are (with their network's meeting slot), changes as few
# memberships as possible, then takes the best objective; each change comes
# with its reason. `replacements` ranks one-for-one alternatives.

# %%
invited = result.composition
declined = [(invited.members["food"][0], "food"), (invited.members["industry"][0], "industry")]
accepted = list(invited.members["food"][1:4])
repaired = evo.recompose(problem, invited, declined=declined, accepted=accepted, time_limit=5)
print(repaired.repair)
print(f"objective {repaired.objective:,.1f} (was {result.objective:,.1f})")
evo.replacements(problem, invited, "food", invited.members["food"][0], k=5)

# %% [markdown]
# ### Why each member, and why not someone else
#
# Every member gets the rules they help keep (critical ones are re-checked),
# their contribution to the objective and the cost of their best replacement.
# `why_not` names the rule that keeps a person out, or what including them
# costs.

# %%
explanation = evo.explain(problem, invited)
explanation.to_frame(pseudonymise=True).head(8)

# %%
outside = [c.id for c in problem.pool if c.id not in invited.placed()]
for person in outside[:3]:
    print(explanation.why_not(person, time_limit=2))

# %% [markdown]
# ### The next round
#
# `renew` composes round 2: half of each network continues, and pairs who
# already sat together cost 2 points (half as much for each round further
# back), so the others meet new people.

# %%
round2 = evo.renew(problem, [invited], repeat_weight=2.0, decay=0.5, keep=0.5, time_limit=8)
# no composition within the time (a busy machine): the result says why and what to try
print(round2.renewal if round2.renewal is not None else round2.summary())

# %% [markdown]
# ### The audit: run it again
#
# Every result carries an audit (the problem's fingerprint, parameters, seed,
# versions, times), written beside the composition. With `deterministic=True`
# `reproduce` gets the same composition back.

# %%
audited = evo.solve(problem, time_limit=0.5, solver="search", deterministic=True)
print(audited.audit)
print(evo.reproduce(problem, audited.audit))
