"""Size choice with adoption costs: the density ratio against its closed form, thinning's contract, the band."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gapstudy.costmodel import size_choice as sc
from gapstudy.costmodel import techniques
from gapstudy.errors import GapstudyError


def _synthetic_curves(threshold_log10: float = 10.3, per_pt: float = 5e-17) -> dict:
    """Constant cost per parameter-token; class 0 (no costly technique) feasible only below the threshold,
    class 1 (tensor parallel) everywhere."""
    x = np.round(np.arange(9.0, 12.0001, 0.1), 2)
    c = np.full((x.size, sc.N_CLASSES), np.inf)
    c[:, 1] = per_pt
    c[x <= threshold_log10, 0] = per_pt
    return {"log10_sizes": x, "per_param_token": c}


def test_ratio_matches_closed_form_above_threshold():
    # With an unchanged class, budgets C0 = c tpp N^2 without and C0 + A with the cost: the density
    # ratio of chosen sizes is C0 / (C0 + A) (module docstring); below the threshold it is 1.
    curves = _synthetic_curves()
    tpp, per_pt = 20.0, 5e-17
    weights = sc.Assumptions().class_weights()
    mids, ratio = sc._ratio_table(curves, tpp, weights)
    k = int(np.argmin(np.abs(sc._LOG10_AEFF - 6.0)))  # A = $1M
    a = 10.0 ** sc._LOG10_AEFF[k]
    above = mids > 10.35
    lo, hi = mids[above] - sc.FINE_STEP / 2, mids[above] + sc.FINE_STEP / 2
    c_lo, c_hi = per_pt * tpp * 10 ** (2 * lo), per_pt * tpp * 10 ** (2 * hi)
    expected = np.log((c_hi + a) / (c_lo + a)) / np.log(c_hi / c_lo)  # exact for the cell
    np.testing.assert_allclose(ratio[k, above], expected, rtol=1e-6)
    assert np.all(ratio[k, mids < 10.25] == 1.0)
    # the cell holding the point mass at the threshold is clipped to 1, not above
    assert ratio.max() <= 1.0 and ratio.min() >= 0.0
    # a larger cost thins more, everywhere
    assert np.all(np.diff(ratio, axis=0) <= 1e-12)


def test_no_costly_class_means_no_thinning():
    curves = _synthetic_curves(threshold_log10=13.0)  # class 0 feasible at every size
    mids, ratio = sc._ratio_table(curves, 20.0, sc.Assumptions().class_weights())
    assert np.all(ratio == 1.0)


def test_lab_average_is_a_weighted_mean_and_runs_amortise():
    ratio = np.linspace(1.0, 0.0, sc._LOG10_AEFF.size)[:, None] * np.ones((1, 3))
    a1 = sc.Assumptions(lab_spread_dex=0.0)
    a3 = sc.Assumptions(lab_spread_dex=0.0, runs_per_lab=10.0)
    costs = np.array([5.0, 6.0])
    one, ten = sc._lab_average(ratio, costs, a1), sc._lab_average(ratio, costs, a3)
    # spreading $1M over 10 runs is the same as a one-run cost of $100k
    np.testing.assert_allclose(ten[1], one[0], atol=1e-9)
    spread = sc._lab_average(ratio, costs, sc.Assumptions(lab_spread_dex=0.5))
    assert np.all((spread >= 0) & (spread <= 1))


def test_techniques_respect_their_dates():
    assert "sequence_parallel" not in techniques.available(2020)
    assert "sequence_parallel" in techniques.available(2022)
    opts = techniques.search_options(2019)
    assert opts["zero_stages"] == (0,) and opts["interleaves"] == (1,) and not opts["flash_attention"]
    assert techniques.search_options(2018)["max_tensor"] == 1  # Megatron-LM tensor parallelism: Sept 2019
    assert techniques.search_options(2023)["zero_stages"] == (0, 1, 2, 3)
    for t in techniques.TECHNIQUES:
        assert t.source and 2010 < t.date < 2025


def test_adoption_cost_range_is_ordered():
    low, high = sc.ADOPTION_COST_RANGE_USD
    assert 0 < low < high


def test_bad_assumptions_are_named():
    with pytest.raises(GapstudyError, match="bogus"):
        sc.Assumptions.make({"bogus": 1})
    with pytest.raises(GapstudyError, match="runs_per_lab"):
        sc.Assumptions.make(runs_per_lab=0.5)
    with pytest.raises(GapstudyError, match="adoption_weights"):
        sc.Assumptions.make(adoption_weights={"warp_drive": 1.0})


@pytest.fixture(scope="module")
def curves_2020():
    return sc.cost_curves(2020)


def test_2020_curves_record_constraints(curves_2020):
    c = curves_2020
    assert c["regimes"][0] != c["regimes"][-1]
    # sizes the 10,000-GPU cluster cannot train within 90 days are reported as infeasible, with why
    bad = [s for s, r in zip(c["status"], c["regimes"]) if r == "infeasible"]
    assert bad and all("deadline" in s or "memory" in s for s in bad)
    # nothing needs more GPUs than the lab had
    assert np.nanmax(c["gpus"]) <= 10_000


def test_band_2020_opens_with_adoption_cost_near_node_memory(curves_2020):
    free = sc.band(2020, 0.0)  # without fixed costs, at most a small bump from discrete shapes, not 20B+
    assert free is None or free[1] < 1e10  # single-size bumps are ignored
    b = sc.band(2020, 1e6)
    assert b is not None
    lo, hi = b
    assert 1e10 <= lo <= 3e10 < hi  # opens where 16 bytes/param fill 8 x 40 GB (20B)
    with pytest.raises(GapstudyError):
        sc.band(2020, -1.0)


def test_thinning_contract():
    years = np.array([2020.2, 2020.9, 2022.5, 2024.1])[:, None]
    sizes = np.linspace(9.0, 12.0, 31)[None, :]
    th = sc.thinning(years, sizes, 1e6)
    assert th.shape == (4, 31) and np.all((th >= 0) & (th <= 1))
    assert np.all(sc.thinning(years, sizes, 0.0) == 1.0)  # no cost changes nothing
    assert np.all(sc.thinning(years, 8.6, 1e7) > 0.99)  # 400M never needs model parallelism
    # in 2020 (A100-40GB), a $1M cost thins sizes just above the 20B node threshold...
    assert sc.thinning(2020.5, np.log10(30e9), 1e6) < 0.8
    # ... more as the cost grows, and the same year decimals give the same value
    costs = 10.0 ** np.linspace(3, 9, 25)
    v = sc.thinning(2020.5, np.log10(30e9), costs)
    assert np.all(np.diff(v) <= 1e-9) and v[0] > v[-1]
    assert sc.thinning(2020.1, 10.5, 1e6) == sc.thinning(2020.8, 10.5, 1e6)
    with pytest.raises(GapstudyError):
        sc.thinning(2020, 10.0, -5.0)


def _unchunked_curve(log10_n: float, year: int, a: sc.Assumptions) -> dict:
    """Reference for _curve_for_size: every layout enumerated and evaluated in one call, class minima by masks."""
    from gapstudy.costmodel import constraints as cons
    from gapstudy.costmodel.architecture import shape_for_params
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.search import SECONDS_PER_DAY, default_global_batch, enumerate_layouts, evaluate_layouts

    hw = get_hardware(a.chip(year))
    opts = techniques.search_options(year, a.technique_lag)
    flash = opts.pop("flash_attention")
    shape = shape_for_params(10.0 ** log10_n, vocab=a.vocab, seq_len=a.seq_len)
    n, tokens = shape.params, a.tpp(year) * shape.params
    batch = cons.capped_batch(default_global_batch(n, a.seq_len), n, tokens, a.seq_len)
    lay = enumerate_layouts(shape, batch, a.gpus(year), **opts)
    r = evaluate_layouts(shape, batch, lay, hw, bytes_per_param=a.bytes_per_param, reserve=a.reserve,
                         calibration=a.calibration, max_gpus=a.gpus(year), flash_attention=flash,
                         overlap=techniques.software_overlap(year, a.technique_lag), era=year - a.technique_lag)
    steps = tokens / (batch * a.seq_len)
    stretch = 1.0 + a.failure_overhead_per_gpu * r["gpus"]
    days = r["step_time"] * stretch * (steps / SECONDS_PER_DAY)
    ok = r["fits"] & (days <= a.max_days)
    dollars = np.where(ok, r["dollars_per_step"] * stretch * steps, np.inf)
    code = (lay.tensor > 1) * 1 + (lay.pipeline > 1) * 2 + (lay.zero_stage == 3) * 4
    per_pt, best_days, layouts = np.full(sc.N_CLASSES, np.inf), np.full(sc.N_CLASSES, np.nan), {}
    for k in range(sc.N_CLASSES):
        d = np.where(code == k, dollars, np.inf)
        i = int(np.argmin(d))
        if np.isfinite(d[i]):
            per_pt[k], best_days[k], layouts[k] = d[i] / (n * tokens), days[i], lay.layout(i)
    return {"per_param_token": per_pt, "days": best_days, "layouts": layouts, "evaluated": len(lay)}


def test_layout_chunks_are_the_enumeration_in_pieces():
    from gapstudy.costmodel.architecture import shape_for_params
    from gapstudy.costmodel.search import LAYOUT_FIELDS, enumerate_layouts, layout_chunks

    shape = shape_for_params(10.0 ** 10.5)
    opts = techniques.search_options(2023)
    opts.pop("flash_attention")
    whole = enumerate_layouts(shape, 512, 4096, **opts)
    for chunk in (5, 97, 4096, 10**7):  # 5 is below one degree row's option count (it splits rows)
        pieces = list(layout_chunks(shape, 512, 4096, chunk=chunk, **opts))
        assert all(0 < len(p) <= chunk for p, _ in pieces)
        for f in LAYOUT_FIELDS:
            np.testing.assert_array_equal(np.concatenate([getattr(p, f) for p, _ in pieces]), getattr(whole, f))
        for p, (has_t, has_d, has_p) in pieces:  # every layout of a chunk has the chunk's flags
            assert np.all((p.tensor > 1) == has_t) and np.all((p.data > 1) == has_d) and np.all((p.pipeline > 1) == has_p)


@pytest.mark.parametrize("chunk", [7, 1000, None])
def test_chunked_curve_equals_unchunked(chunk):
    # 31.6B in 2021 on A100-40GB: 25k layouts, seven of the eight classes feasible, so a class mix-up shows
    a = sc.Assumptions()
    ref = _unchunked_curve(10.5, 2021, a)
    got = sc._curve_for_size(10.5, 2021, a.chip(2021), a, **({} if chunk is None else {"chunk": chunk}))
    assert np.isfinite(ref["per_param_token"]).sum() >= 6
    assert got["evaluated"] == ref["evaluated"]
    np.testing.assert_array_equal(got["per_param_token"], ref["per_param_token"])  # bit for bit
    np.testing.assert_array_equal(got["days"], ref["days"])
    k = got["best_class"]
    assert k == int(np.argmin(ref["per_param_token"]))
    assert got["layout"] == dataclasses.asdict(ref["layouts"][k])
