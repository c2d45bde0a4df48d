"""The competition simulation on small worlds with known answers."""

from __future__ import annotations

import dataclasses

import diptest
import numpy as np
import pytest
from scipy.optimize import brentq

from gapstudy.competition import CompetitionParams, SimulationResult, simulate
from gapstudy.competition import constants as K
from gapstudy.competition import costs, scaling
from gapstudy.errors import GapstudyError

SMALL = dict(end=2023.0)  # shorter worlds keep the tests fast


def lone(**kw) -> CompetitionParams:
    """One frontier lab that always competes, can always pay, and releases often."""
    base = dict(
        n_labs=1, kind_shares=(1.0, 0.0, 0.0), release_rate=(0.8, 0.0, 0.0), release_rate_growth=1.0,
        compete_prob=(1.0, 0.0, 0.0), budget_median=(1e14, 1.0, 1.0), budget_sigma=0.0, growth_sigma=0.0,
        anchor=False, beliefs="kaplan", beat_margin=0.05, end=2019.0, plan_lag_months=0.0, response_strength=0.0,
        competitor_sigma=0.0,
    )
    base.update(kw)
    return CompetitionParams(**base)


def test_lone_competitor_kaplan_steps_up_the_frontier_by_the_law():
    p = lone()
    r = simulate(p, n_worlds=3, seed=11)
    assert len(r) > 0 and r.competing.all()
    ratio = (1 - p.beat_margin) ** (-1 / K.KAPLAN_ALPHA_N)  # (N_c/N)^a lower by 5% <=> N up by this factor
    for w in range(3):
        rows = r.world == w
        month = np.floor((r.year[rows] - K.SIM_START) * 12).astype(int)
        # the k-th month with a release builds N0 * ratio^k (releases of one month share a target)
        step = np.searchsorted(np.unique(month), month) + 1
        expect = np.log10(p.initial_frontier_params) + step * np.log10(ratio)
        np.testing.assert_allclose(r.log10_params[rows], expect, rtol=0, atol=1e-9)


def test_lone_competitor_chinchilla_solves_the_loss_equation():
    p = lone(beliefs="chinchilla", chinchilla_target="loss")
    r = simulate(p, n_worlds=2, seed=5)
    n0 = p.initial_frontier_params
    d0 = K.KAPLAN_D_PREFACTOR * n0**K.KAPLAN_D_EXPONENT  # the initial frontier was trained Kaplan-style
    target = 0.95 * (406.4 / n0**0.34 + 410.7 / d0**0.28)
    n1 = np.exp(brentq(lambda x: 406.4 / np.exp(x) ** 0.34 + 410.7 / (20 * np.exp(x)) ** 0.28 - target, 10, 40, xtol=1e-14))
    first = r.log10_params[r.world == 0][0]
    assert first == pytest.approx(np.log10(n1), abs=1e-9)


def test_competitor_that_cannot_pay_builds_for_itself_or_skips():
    p = lone(budget_median=(1e-3, 1.0, 1.0))
    r = simulate(p, n_worlds=2, seed=1)
    assert r.attempted.all() and not r.competing.any()
    assert np.all(r.log10_params < np.log10(p.initial_frontier_params))
    skip = simulate(dataclasses.replace(p, unaffordable="skip"), n_worlds=2, seed=1)
    assert len(skip) == 0


def test_release_counts_have_the_poisson_mean():
    p = CompetitionParams(n_labs=10, release_rate=(0.3, 0.3, 0.3), release_rate_growth=1.0, end=2019.0, anchor=False)
    r = simulate(p, n_worlds=400, seed=3)
    per_world = np.bincount(r.world, minlength=400)
    expect = 10 * 0.3 * 24  # labs x rate x months
    assert per_world.mean() == pytest.approx(expect, rel=0.02)
    assert per_world.var() == pytest.approx(expect, rel=0.2)  # Poisson: variance = mean
    assert r.lab.max() < 10 and r.lab.min() >= 0


def test_no_anchor_one_kind_without_competition_is_unimodal():
    p = CompetitionParams(anchor=False, kind_shares=(0.0, 0.0, 1.0), compete_prob=(0.0, 0.0, 0.0), **SMALL)
    r = simulate(p, n_worlds=30, seed=4)
    x = r.log10_params[(r.year >= 2021) & (r.year < 2022)]
    x = np.random.default_rng(0).choice(x, 400, replace=False)
    assert diptest.diptest(x)[1] > 0.05


def test_anchor_mechanism_keeps_kaplan_competitors_above_gpt3_and_out_of_the_gap():
    base = dict(unaffordable="skip", **SMALL)
    on = simulate(CompetitionParams(anchor=True, **base), n_worlds=60, seed=9)
    off = simulate(CompetitionParams(anchor=False, **base), n_worlds=60, seed=9)
    # competitors planned after GPT-3 (released plan_lag_months later) beat it
    planned_after = 2020 + 5 / 12 + CompetitionParams().plan_lag_months / 12
    after = (on.year >= planned_after) & (on.year < K.CHINCHILLA_DATE - 1 / 12)
    comp = after & on.competing
    assert comp.any()
    assert np.all(on.log10_params[comp] > np.log10(K.GPT3_PARAMS))  # the cheapest model that beats GPT-3
    assert (on.kind == 3).sum() == 60  # GPT-3 itself, once per world

    def gap_counts(r: SimulationResult) -> np.ndarray:
        s = (r.year >= 2020 + 5 / 12) & (r.year < K.CHINCHILLA_DATE - 1 / 12)
        lo, hi = np.log10(K.GAP_LOWER), np.log10(K.GAP_UPPER)
        ins = s & (r.log10_params >= lo) & (r.log10_params <= hi)
        return np.bincount(r.world[ins], minlength=60)

    # own-use releases are identical with the same seed; competitors can only leave the gap
    assert np.all(gap_counts(on) <= gap_counts(off))
    pre_on, pre_off = on.year < 2020 + 4 / 12, off.year < 2020 + 4 / 12
    np.testing.assert_array_equal(on.log10_params[pre_on], off.log10_params[pre_off])


def test_same_seed_same_worlds_other_seed_other_worlds():
    p = CompetitionParams(**SMALL)
    a, b = simulate(p, n_worlds=20, seed=7), simulate(p, n_worlds=20, seed=7)
    for name in SimulationResult.ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = simulate(p, n_worlds=20, seed=8)
    assert len(a) != len(c) or not np.array_equal(a.log10_params, c.log10_params)


def test_chunked_and_split_jobs_give_identical_worlds():
    p = CompetitionParams(**SMALL)
    one = simulate(p, n_worlds=100, seed=21)
    jobs = SimulationResult.concat([simulate(p, n_worlds=25, seed=21, world_offset=o) for o in (0, 25, 50, 75)])
    small_chunks = simulate(p, n_worlds=100, seed=21, chunk_worlds=7)
    for other in (jobs, small_chunks):
        for name in SimulationResult.ARRAYS:
            np.testing.assert_array_equal(getattr(one, name), getattr(other, name))
    # rows come world by world, in date order within a month
    assert np.all(np.diff(one.world) >= 0)


@pytest.mark.parametrize(
    "field, value",
    [
        ("end", 2010.0), ("n_labs", 0), ("kind_shares", (0.5, 0.5, 0.5)), ("release_rate", (0.1, -1.0, 0.1)),
        ("compete_prob", (1.5, 0.1, 0.1)), ("budget_sigma", -1.0), ("beliefs", "gpt4"), ("cost", "cheap"),
        ("beat_margin", 1.0), ("anchor", "yes"), ("unaffordable", "borrow"), ("budget_growth", (2.0, 2.0)),
        ("deploy_device_probs", (0.5, 0.5)), ("deploy_device_probs", (1.0, -0.1, 0.0, 0.1, 0.0)),
        ("deploy_device_probs", (0.0, 0.0, 0.0, 0.0, 0.0)), ("deploy_device_probs", (0.4, 0.2, 0.2, 0.2)),
    ],
)
def test_bad_settings_name_the_setting(field, value):
    with pytest.raises(GapstudyError, match=f"competition.{field}="):
        CompetitionParams(**{field: value})


def test_bad_simulate_arguments():
    p = CompetitionParams(**SMALL)
    for kw in (dict(n_worlds=0, seed=1), dict(n_worlds=2, seed=-1), dict(n_worlds=2, seed=1, world_offset=-3)):
        with pytest.raises(GapstudyError, match="simulate"):
            simulate(p, **kw)
    with pytest.raises(GapstudyError, match="CompetitionParams"):
        simulate({"anchor": True}, n_worlds=1, seed=1)
    with pytest.raises(GapstudyError, match="does not exist"):
        p.with_("budget_sigmas", 1.0)
    assert p.with_("budget_growth[*]", 3.0).budget_growth == (3.0, 3.0, 3.0)
    assert p.with_("compete_prob[1]", 0.4).compete_prob == (0.5, 0.4, 0.02)


def test_costmodel_missing_is_a_clear_error(monkeypatch):
    import gapstudy.costmodel as cm

    monkeypatch.delattr(cm, "training_cost", raising=False)
    with pytest.raises(GapstudyError, match="cost=simple"):
        simulate(CompetitionParams(cost="costmodel", **SMALL), n_worlds=1, seed=1)


def flat_price(params, tokens, hardware):
    return 6.0 * params * tokens * 1e-17


def test_costmodel_coupling_with_a_monotone_stand_in_matches_the_law():
    p = lone(cost="costmodel")
    r = simulate(p, n_worlds=2, seed=11, training_cost=flat_price, hardware_in_use=lambda y: "standin")
    s = simulate(dataclasses.replace(p, cost="simple"), n_worlds=2, seed=11)
    np.testing.assert_allclose(r.log10_params, s.log10_params, atol=1e-9)
    assert r.meta["hardware_by_month"][0] == "standin"


def test_costmodel_cost_jump_makes_sizes_just_past_it_rarer():
    # a stand-in where 20B-30B models cost 10x more than their FLOP: a target of ~23B is skipped
    def jumpy(params, tokens, hardware):
        return flat_price(params, tokens, hardware) * np.where((params > 20e9) & (params < 30e9), 10.0, 1.0)

    p = lone(cost="costmodel", initial_frontier_params=20e9, beat_margin=0.01, end=2017.25)
    r = simulate(p, n_worlds=1, seed=2, training_cost=jumpy, hardware_in_use=lambda y: "standin")
    first = 10 ** r.log10_params[0]
    assert 30e9 <= first <= 30.5e9  # the cheapest model at least as large as the ~22.8B target
    g = costs.GridCost(jumpy, "standin", scaling.KAPLAN)
    size, _ = g.cheapest_at_least(np.array([22.8e9, 35e9]))
    assert 30e9 <= size[0] <= 30.5e9 and size[1] == pytest.approx(35e9)
    assert g.largest_affordable(np.log(flat_price(np.array([25e9]), scaling.tokens_for(25e9, 0), "")))[0] < 20.1e9


def test_scaling_inverses():
    n = np.array([1e8, 3e10, 2e12])
    np.testing.assert_allclose(scaling.kaplan_size_for_loss(scaling.kaplan_loss(n)), n, rtol=1e-12)
    red = scaling.chinchilla_reducible(n, 20 * n)
    np.testing.assert_allclose(scaling.chinchilla_size_for_reducible(red), n, rtol=1e-10)
    np.testing.assert_allclose(scaling.size_for_compute(scaling.compute_for_size(n, 0), 0), n, rtol=1e-12)
    # GPT-3 lies on the Kaplan-era allocation by construction
    assert scaling.tokens_for(K.GPT3_PARAMS, scaling.KAPLAN) == pytest.approx(K.GPT3_TOKENS)


def test_full_budget_response_lets_every_competitor_pay():
    poor = lone(budget_median=(1e-3, 1.0, 1.0))
    assert not simulate(poor, n_worlds=2, seed=1).competing.any()
    full = simulate(dataclasses.replace(poor, response_strength=1.0), n_worlds=2, seed=1)
    assert full.competing.all()


def test_planning_lag_targets_the_frontier_of_lag_months_before():
    p = lone(plan_lag_months=6.0, end=2018.0, release_rate=(5.0, 0.0, 0.0))  # a release every month
    r = simulate(p, n_worlds=1, seed=3)
    month = np.floor((r.year - K.SIM_START) * 12).astype(int)
    first = r.log10_params[month == 0][0]
    # months 0-6 all plan against the initial frontier: the same size
    np.testing.assert_allclose(r.log10_params[month <= 6], first, atol=1e-12)
    assert r.log10_params[month == 7].min() > first  # month 7 plans against month 1's frontier


def _own_use_spike(p: CompetitionParams) -> float:
    """Largest share of 2023 own-use releases at one size (0.01-dex bins)."""
    r = simulate(p, n_worlds=40, seed=21)
    x = r.log10_params[(r.year >= 2023) & (r.year < 2024) & ~r.competing & (r.kind != 3)]
    counts = np.histogram(x, bins=np.arange(6.0, 13.0, 0.01))[0]
    return counts.max() / max(x.size, 1)


def test_deployment_targets_leave_no_spike_at_a_memory_boundary():
    rich = dict(own_share_median=0.2, own_share_sigma=0.5, end=2024.0)  # many own-use models reach their cap
    fixed = _own_use_spike(CompetitionParams(own_use_deploy="fixed", **rich))
    spread = _own_use_spike(CompetitionParams(own_use_deploy="spread", **rich))
    assert fixed > 0.05 and spread < 0.025 and spread < fixed / 3, (fixed, spread)
    # the fixed cap is the 40B (80 GB / 2 bytes) of science.md's pitfall
    r = simulate(CompetitionParams(own_use_deploy="fixed", **rich), n_worlds=5, seed=2)
    own = r.log10_params[(r.year >= 2023) & (r.year < 2024) & ~r.competing]
    assert own.max() == pytest.approx(np.log10(40e9), abs=1e-9)


def test_deployment_shares_set_how_many_accelerators_own_use_models_fit_on():
    from gapstudy.competition import constants as K
    from gapstudy.competition import labs

    u = np.random.default_rng(4).random((2, 20000))
    year = np.full(u.shape[1], 2023.0)
    mem = labs.device_memory_gb(year) * 1e9 / K.INFERENCE_BYTES_PER_PARAM
    lo, hi = K.DEPLOY_WEIGHT_SHARE
    one = labs.own_use_cap(CompetitionParams(deploy_device_probs=(1.0, 0.0, 0.0, 0.0, 0.0)), year, u[0], u[1]) / mem
    node = labs.own_use_cap(CompetitionParams(deploy_device_probs=(0.0, 0.0, 0.0, 1.0, 0.0)), year, u[0], u[1]) / mem
    assert one.min() >= lo - 1e-12 and one.max() <= hi + 1e-12  # one accelerator, weights 45-90% of it
    assert node.min() >= 8 * lo - 1e-9 and node.max() <= 8 * hi + 1e-9
    # the shares are normalised and drawn in proportion: 1/2/4/8 in the ratio 2:1:1:0
    cap = labs.own_use_cap(CompetitionParams(deploy_device_probs=(2.0, 1.0, 1.0, 0.0, 0.0)), year, u[0], u[1]) / mem
    devices = np.ceil(cap / hi - 1e-9)
    shares = [(devices == d).mean() for d in (1, 2, 4, 8)]
    assert shares[3] == 0 and abs(shares[0] - 0.5) < 0.02 and abs(shares[1] - 0.25) < 0.02, shares
    # a consumer card: 24 GB at 16 bits before 4-bit weights (GPTQ, late 2022), at 4 bits after: 12B vs 48B
    consumer = CompetitionParams(deploy_device_probs=(0.0, 0.0, 0.0, 0.0, 1.0))
    for yr, full in ((2021.5, 24e9 / K.INFERENCE_BYTES_PER_PARAM), (2023.5, 24e9 / K.CONSUMER_BYTES_PER_PARAM)):
        c = labs.own_use_cap(consumer, np.full(u.shape[1], yr), u[0], u[1]) / full
        assert c.min() >= lo - 1e-12 and c.max() <= hi + 1e-12 and c.max() > hi - 0.01, yr
    # a zero consumer share draws exactly the data-centre targets it drew before that target existed
    mixed = labs.own_use_cap(CompetitionParams(deploy_device_probs=(0.4, 0.2, 0.2, 0.2, 0.0)), year, u[0], u[1])
    cum = np.cumsum([0.4, 0.2, 0.2, 0.2])
    four = np.asarray(K.DEPLOY_DEVICES)[np.minimum(np.searchsorted(cum / cum[-1], u[0], side="right"), 3)]
    np.testing.assert_array_equal(mixed, four * (lo + (hi - lo) * u[1]) * mem)


def test_competitors_of_one_month_differ_and_stay_above_the_cheapest_beating_size():
    p = lone(competitor_sigma=0.2, release_rate=(3.0, 0.0, 0.0), end=2017.5)
    r = simulate(p, n_worlds=2, seed=3)
    month = np.floor((r.year - K.SIM_START) * 12).astype(int)
    w0 = r.world == 0
    first = month[w0] == month[w0].min()
    x = r.log10_params[w0][first]
    target = np.log10(p.initial_frontier_params * (1 - p.beat_margin) ** (-1 / K.KAPLAN_ALPHA_N))
    assert x.size >= 2 and np.ptp(x) > 0.01 and np.all(x >= target - 1e-9)
    assert np.std(x - target) == pytest.approx(0.2 * np.sqrt(1 - 2 / np.pi), rel=0.8)


def test_chinchilla_competitor_beats_the_frontiers_compute_not_its_loss():
    p = lone(beliefs="chinchilla", competitor_sigma=0.0)
    r = simulate(p, n_worlds=1, seed=5)
    n0 = p.initial_frontier_params
    q0 = np.log10(6 * n0 * K.KAPLAN_D_PREFACTOR * n0**K.KAPLAN_D_EXPONENT)
    step = -np.log10(1 - p.beat_margin) / (K.KAPLAN_ALPHA_N * K.KAPLAN_N_EXPONENT)
    expect = 0.5 * (q0 + step - np.log10(6 * 20))  # C = 6 N (20 N)
    assert r.log10_params[0] == pytest.approx(expect, abs=1e-9)
    loss = simulate(dataclasses.replace(p, chinchilla_target="loss"), n_worlds=1, seed=5)
    assert loss.log10_params[0] < r.log10_params[0]


def test_costmodel_prices_each_month_with_its_years_software(monkeypatch):
    # gapstudy's training_cost is asked with software_year = the month's calendar year (its techniques, overlap and
    # GEMM efficiency); an injected function keeps the three-argument call (the tests above)
    import gapstudy.costmodel as cm
    calls = []

    def recording(params, tokens, hardware, software_year=None):
        calls.append((hardware, software_year))
        return flat_price(params, tokens, hardware)

    monkeypatch.setattr(cm, "training_cost", recording)
    p = lone(cost="costmodel", end=2021.0)
    r = simulate(p, n_worlds=1, seed=3, hardware_in_use=lambda y: "standin")
    years = r.meta["software_year_by_month"]
    assert years[0] == 2017 and years[-1] == 2020 and sorted(set(years)) == [2017, 2018, 2019, 2020]
    assert {y for _, y in calls} == {2017, 2018, 2019, 2020}
    # the same sizes as with the stand-in called without a year (it ignores the year)
    s = simulate(p, n_worlds=1, seed=3, training_cost=flat_price, hardware_in_use=lambda y: "standin")
    np.testing.assert_allclose(r.log10_params, s.log10_params, atol=1e-9)
    assert s.meta["software_year_by_month"] == [None] * len(years)
    assert r.meta["pricing_by_year"] == {y: {"hardware": ["standin"], "software_year": y} for y in (2017, 2018, 2019, 2020)}
