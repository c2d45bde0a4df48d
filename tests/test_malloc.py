"""gapstudy.malloc: the glibc settings take effect on Linux and change no number."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from gapstudy import malloc


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc mallopt is Linux-only")
def test_tune_takes_effect_and_arrays_compute_the_same():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 300))
    before = np.exp(x).sum(axis=1)
    assert malloc.tune() is True
    np.testing.assert_array_equal(np.exp(x).sum(axis=1), before)
