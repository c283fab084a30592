"""A small, fixed sample of the fuzz corpus (tests/fuzzing.py) in ``make test``.

Every damaged file is either read (and then written back, read again to an
equal problem and solved, the composition passing ``check``) or refused with
an :class:`~evocompose.EvocomposeError` that is specific (not the readers'
last-resort boundary), short and free of raw control characters. The whole
corpus (>= 1,000 files, with a watchdog against hangs) runs with ``make fuzz``.
"""

from __future__ import annotations

import dataclasses
import hashlib

import fuzzing
import pytest

CORPUS = fuzzing.corpus(seed=0)
SAMPLE = fuzzing.sample(CORPUS, per_family=4, seed=15)


def test_the_corpus_is_large_deterministic_and_covers_every_family() -> None:
    assert len(CORPUS) >= 1_000
    assert {c.family for c in CORPUS} == set(fuzzing.FAMILIES)
    assert {c.kind for c in CORPUS} == set(fuzzing.KINDS)
    digest = hashlib.sha256(b"".join(c.data for c in CORPUS[:200])).hexdigest()
    again = fuzzing.corpus(seed=0)
    assert hashlib.sha256(b"".join(c.data for c in again[:200])).hexdigest() == digest
    assert fuzzing.corpus(seed=1)[0].data != CORPUS[0].data


@pytest.mark.parametrize("case", SAMPLE, ids=[c.id for c in SAMPLE])
def test_fuzzed_file_is_read_or_refused_cleanly(case: fuzzing.Case) -> None:
    outcome = fuzzing.run_case(dataclasses.replace(case, backends=("cpsat",)))
    assert outcome.status in ("accepted", "refused"), f"{outcome.status}: {outcome.detail}"
