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
# 4. compare both on the same yardsticks, and draw them.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

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
