"""Cost model units: catalogue, shapes, FLOP formulas, memory, the step kernel, search, regimes, API."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import gapstudy.costmodel as cm
from gapstudy.costmodel.architecture import PUBLISHED_SHAPES, hardware_flops, model_flops, param_count
from gapstudy.costmodel.hardware import load_catalogue
from gapstudy.costmodel.memory import activation_bytes_per_layer
from gapstudy.costmodel.regimes import band_mask, chinchilla_loss, classify
from gapstudy.costmodel.search import Layout, enumerate_layouts, evaluate_layouts
from gapstudy.costmodel.step import evaluate
from gapstudy.errors import GapstudyError

BASE = dict(layers=48, hidden=8192, heads=64, seq_len=2048, vocab=51200, global_batch=1536, micro_batch=1,
            tensor=8, pipeline=2, data=32, interleave=2, hardware="a100_80gb")


def test_catalogue_has_every_chip_with_sane_values():
    cat = load_catalogue()
    assert {"v100_16gb", "v100_32gb", "a100_40gb", "a100_80gb", "h100", "h200", "tpu_v3", "tpu_v4"} <= set(cat)
    assert cat["a100_40gb"].peak_flops == 312e12 and cat["h100"].peak_flops == 989e12
    assert cat["tpu_v4"].chips_per_node >= 1024 and cat["tpu_v4"].inter_node_bandwidth_gbs == cat["tpu_v4"].intra_node_bandwidth_gbs


def test_extra_directory_adds_a_chip(tmp_path):
    src = (cm.hardware.default_directory() / "a100_80gb.yaml").read_text()
    (tmp_path / "b200.yaml").write_text(src.replace("name: a100_80gb", "name: b200").replace("memory_gb: 80.0", "memory_gb: 192.0"))
    cat = load_catalogue(tmp_path)
    assert cat["b200"].memory_gb == 192.0 and "a100_80gb" in cat


@pytest.mark.parametrize("edit,field", [
    (lambda s: s.replace("memory_gb: 80.0", "memory_gb: -1"), "memory_gb"),
    (lambda s: s.replace("chips_per_node: 8", "chips_per_node: eight"), "chips_per_node"),
    (lambda s: "\n".join(l for l in s.splitlines() if not l.startswith("peak_flops")), "peak_flops"),
    (lambda s: s + "\nbogus: 1\n", "bogus"),
])
def test_bad_hardware_file_names_file_and_field(tmp_path, edit, field):
    src = (cm.hardware.default_directory() / "a100_80gb.yaml").read_text()
    (tmp_path / "a100_80gb.yaml").write_text(edit(src))
    with pytest.raises(GapstudyError) as exc:
        load_catalogue(tmp_path)
    assert "a100_80gb.yaml" in str(exc.value) and field in str(exc.value)


def test_hardware_in_use_by_year():
    assert cm.hardware_in_use(2019) == "v100_32gb"
    assert cm.hardware_in_use(2021) == "a100_40gb"
    assert cm.hardware_in_use(2022) == "a100_80gb"
    assert cm.hardware_in_use(2024) == "h100"
    with pytest.raises(GapstudyError):
        cm.hardware_in_use(1990)


def test_param_formula_matches_published_shapes():
    # Megatron Table 1 rows use V = 51200, s = 2048
    for name, n, layers, hidden, heads in PUBLISHED_SHAPES:
        if name.startswith("Megatron"):
            assert param_count(layers, hidden) == pytest.approx(n, rel=0.01), name


@pytest.mark.parametrize("n", [1e9, 7e9, 2e10, 7e10, 1.75e11, 1e12])
def test_shape_rule(n):
    s = cm.shape_for_params(n)
    assert s.hidden % 128 == 0 and s.hidden // s.heads == 128 and s.heads % 8 == 0
    assert s.params == pytest.approx(n, rel=0.1)


def test_flop_formulas():
    B, s, L, h, V = 512, 2048, 24, 2304, 51200
    full = hardware_flops(B, s, L, h, V, "full")
    assert full == pytest.approx(96 * B * s * L * h**2 * (1 + s / (6 * h) + V / (16 * L * h)))
    assert model_flops(B, s, L, h, V) == pytest.approx(72 * B * s * L * h**2 * (1 + s / (6 * h) + V / (12 * h * L)))
    # full recompute = model FLOPs + one more forward of the layers (logits not recomputed)
    assert full - model_flops(B, s, L, h, V) == pytest.approx(24 * B * s * L * h**2 * (1 + s / (6 * h)))
    assert hardware_flops(B, s, L, h, V, "none") < hardware_flops(B, s, L, h, V, "selective") < full
    with pytest.raises(GapstudyError):
        hardware_flops(B, s, L, h, V, "partial")


def test_activation_formulas_korthikanti():
    s, b, h, a = 2048, 1, 8192, 64
    sbh = s * b * h
    assert activation_bytes_per_layer(s, b, h, a, 1, False, 0) == pytest.approx(sbh * (34 + 5 * a * s / h))
    assert activation_bytes_per_layer(s, b, h, a, 8, False, 0) == pytest.approx(sbh * (10 + 24 / 8 + 5 * a * s / (h * 8)))
    assert activation_bytes_per_layer(s, b, h, a, 8, True, 1) == pytest.approx(sbh * 34 / 8)
    assert activation_bytes_per_layer(s, b, h, a, 8, False, 2) == pytest.approx(2 * sbh)


def test_estimate_step_parts_add_up_and_flops_match():
    e = cm.estimate_step(**BASE)
    parts = e.compute_time + e.bubble_time + e.tp_comm_time + e.pp_comm_time + e.dp_comm_time + e.optimizer_time
    assert e.step_time == pytest.approx(parts)
    assert e.gpus == 512 and e.micro_batches == 48
    assert e.hardware_flops == pytest.approx(float(hardware_flops(1536, 2048, 48, 8192, 51200, "full")))
    assert e.achieved_flops_per_gpu == pytest.approx(e.hardware_flops / (512 * e.step_time))
    assert 0.2 < e.mfu < 0.7 and e.fits
    assert e.memory == pytest.approx(e.state_memory + e.activation_memory)
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.step_time = 1.0


def test_scalar_and_vector_paths_agree():
    shape = cm.make_shape(layers=48, hidden=8192, heads=64)
    lay = enumerate_layouts(shape, 1536, 1024)
    hw = cm.get_hardware("a100_80gb")
    r = evaluate_layouts(shape, 1536, lay, hw)
    rng = np.random.default_rng(0)
    checked = 0
    for i in rng.choice(len(lay), 200, replace=False):
        if r["invalid"][i]:
            continue
        L = lay.layout(int(i))
        e = cm.estimate_step(layers=48, hidden=8192, heads=64, seq_len=2048, vocab=51200, global_batch=1536,
                             micro_batch=L.micro_batch, tensor=L.tensor, pipeline=L.pipeline, data=L.data,
                             zero_stage=L.zero_stage, recompute=L.recompute, sequence_parallel=L.sequence_parallel,
                             interleave=L.interleave, hardware=hw)
        assert e.step_time == pytest.approx(r["step_time"][i], rel=1e-12)
        assert e.memory == pytest.approx(r["memory"][i], rel=1e-12)
        assert e.fits == bool(r["fits"][i])
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("change,msg", [
    (dict(tensor=3), "heads"),
    (dict(pipeline=96), "layers"),
    (dict(pipeline=5, interleave=1), "layers"),
    (dict(global_batch=1000), "global batch"),
    (dict(pipeline=1, interleave=2), "interleav"),
    (dict(zero_stage=4), "zero_stage"),
    (dict(recompute="some"), "recompute"),
    (dict(micro_batch=0), "micro_batch"),
])
def test_bad_layouts_raise(change, msg):
    with pytest.raises(GapstudyError, match=msg):
        cm.estimate_step(**{**BASE, **change})


def test_too_few_gpus():
    with pytest.raises(GapstudyError, match="more GPUs"):
        cm.estimate_step(**BASE, max_gpus=256)


def _kernel(**over):
    shape = cm.make_shape(layers=48, hidden=8192, heads=64)
    lay = enumerate_layouts(shape, 1536, 2048)
    hw = cm.get_hardware("a100_40gb").replace(**over)
    return lay, evaluate_layouts(shape, 1536, lay, hw)


def test_more_memory_never_makes_a_layout_infeasible():
    _, small = _kernel()
    _, big = _kernel(memory_gb=80.0)
    assert np.all(big["fits"] | ~small["fits"]) and big["fits"].sum() > small["fits"].sum()


@pytest.mark.parametrize("field", ["inter_node_bandwidth_gbs", "intra_node_bandwidth_gbs"])
def test_doubling_bandwidth_never_slows_a_step(field):
    _, base = _kernel()
    hw = cm.get_hardware("a100_40gb")
    _, fast = _kernel(**{field: 2 * getattr(hw, field)})
    assert np.all(fast["step_time"] <= base["step_time"] * (1 + 1e-12))


def test_cross_node_tensor_parallel_pays_inter_node_bandwidth():
    common = {**BASE, "pipeline": 1, "interleave": 1, "data": 1, "global_batch": 64, "hardware": "a100_80gb"}
    within = cm.estimate_step(**{**common, "tensor": 8})
    across = cm.estimate_step(**{**common, "tensor": 16})
    # twice the GPUs but the all-reduces leave the node (the node's 200 GB/s network instead of 300 GB/s
    # NVLink, plus 15 inter-node ring steps of latency): more tensor-parallel time, not less
    assert across.tp_comm_time > within.tp_comm_time
    assert across.achieved_flops_per_gpu < within.achieved_flops_per_gpu


def test_data_parallel_rings_cross_each_node_once():
    # a 2-byte gradient of psi params all-reduced by d ranks moves 2 (d-1)/d x 2 psi bytes per rank; when the
    # group has g ranks in every node its rings leave each node once, at g NICs' worth (step.ring_bandwidth)
    hw = cm.get_hardware("a100_80gb")
    common = dict(layers=24, hidden=2304, heads=24, seq_len=2048, vocab=51200, micro_batch=8, pipeline=1,
                  interleave=1, hardware=hw)
    for t, d in ((1, 32), (2, 16), (4, 32), (8, 4)):
        e = cm.estimate_step(**common, tensor=t, data=d, global_batch=8 * d)
        g = max(1, 8 // t)
        wire = 2.0 * (d - 1) / d * 2.0 * e.params_per_gpu / min(hw.intra_bandwidth, g * hw.inter_bandwidth)
        assert e.dp_comm_time == pytest.approx(wire + 2.0 * (d - 1) * hw.inter_node_latency_s, rel=1e-9), (t, d)
    # inside one node the ring stays on NVLink
    e = cm.estimate_step(**common, tensor=2, data=4, global_batch=32)
    assert e.dp_comm_time == pytest.approx(2.0 * 3 / 4 * 2.0 * e.params_per_gpu / hw.intra_bandwidth
                                           + 2.0 * 3 * hw.intra_node_latency_s, rel=1e-9)


def test_gemm_efficiency_penalises_thin_splits():
    common = {**BASE, "pipeline": 1, "interleave": 1, "data": 1, "global_batch": 64}
    a = cm.estimate_step(**{**common, "tensor": 2})
    b = cm.estimate_step(**{**common, "tensor": 8})
    assert b.compute_time * 8 > a.compute_time * 2  # per-GPU work shrinks less than 4x


def test_search_finds_cheapest_fitting_layout_and_counts():
    r = cm.search(2e10, hardware="a100_40gb")
    assert r.found and r.estimate.fits and r.evaluated > 10_000 and 0 < r.fitting <= r.valid <= r.evaluated
    assert r.estimate.gpus == r.layout.gpus
    assert r.dollars == pytest.approx(r.estimate.dollars_per_step * r.tokens / (r.global_batch * 2048))
    # restricting the options can only make it worse
    r0 = cm.search(2e10, hardware="a100_40gb", zero_stages=(0,), recomputes=("full",))
    assert r0.dollars >= r.dollars * (1 - 1e-12)


def test_search_time_objective_respects_gpu_budget():
    r = cm.search(2e10, hardware="a100_80gb", gpus=64)
    assert r.found and r.layout.gpus <= 64 and r.objective == "time"
    r2 = cm.search(2e10, hardware="a100_80gb", gpus=256)
    assert r2.days <= r.days


def test_search_explains_infeasibility():
    r = cm.search(1e12, hardware="v100_16gb", max_gpus=64)
    assert not r.found and "memory" in r.reason and "GB" in r.reason
    r = cm.search(1e11, hardware="a100_80gb", max_days=1)
    assert not r.found and "days" in r.reason
    r = cm.search(layers=7, hidden=1024, heads=8, global_batch=7, hardware="a100_80gb", gpus=1, micro_batches=(2,))
    assert not r.found and "global batch" in r.reason


def test_classify_regimes():
    hw = cm.get_hardware("a100_40gb")
    mk = lambda t, p, d, z=0: Layout(t, p, d, 1, z, "full", False, 1)
    assert classify(mk(1, 1, 1), hw) == "one GPU"
    assert classify(mk(1, 1, 8), hw) == "data parallel"
    assert classify(mk(1, 1, 8, 1), hw) == "ZeRO data parallel"
    assert classify(mk(8, 1, 4), hw) == "tensor parallel within a node"
    assert classify(mk(8, 4, 4), hw) == "tensor+pipeline across nodes"
    assert classify(mk(8, 4, 4), cm.get_hardware("tpu_v4")) == "tensor+pipeline within a node"


def test_chinchilla_loss():
    assert chinchilla_loss(70e9, 1.4e12) == pytest.approx(1.69 + 406.4 / 70e9**0.34 + 410.7 / 1.4e12**0.28)


def test_band_mask_finds_a_bump():
    n = np.logspace(9, 12, 16)
    c = np.ones(16)
    c[6:8] = 1.2
    mask = band_mask(n, c)
    assert mask[6] and mask[7] and mask.sum() == 2
    assert not band_mask(n, np.linspace(1, 2, 16)).any()  # monotone: no band


def test_training_cost_and_predicted_band_api():
    n = np.array([1e9, 2e10, 7e10])
    d = 20 * n
    cost = cm.training_cost(n, d, "a100_80gb")
    assert cost.shape == (3,) and np.all(np.diff(cost) > 0)
    # doubling tokens doubles the cost (no deadline: the layout does not depend on the budget)
    assert cm.training_cost(n, 2 * d, "a100_80gb") == pytest.approx(2 * cost)
    band = cm.predicted_band(2021)
    assert band is None or (band[0] <= band[1])
    with pytest.raises(GapstudyError):
        cm.training_cost(n, d, "a100_80gb", warp_drive=True)


def test_import_costmodel_search_gives_the_module():
    import importlib
    import types

    import gapstudy.costmodel.search

    mod = importlib.import_module("gapstudy.costmodel.search")
    assert isinstance(gapstudy.costmodel.search, types.ModuleType) and gapstudy.costmodel.search is mod
    assert callable(mod.search) and mod(7e9).layout == mod.search(7e9).layout  # the old call still works


def test_regime_changes_skip_infeasible_sizes():
    # the audit's bug: transitions into and out of "infeasible" inflated the regime-change count
    from gapstudy.costmodel.regimes import Sweep, regime_changes
    regs = ("one GPU", "infeasible", "one GPU", "ZeRO data parallel", "infeasible", "infeasible")
    n = len(regs)
    cost = np.array([1.0, np.nan, 1.1, 1.3, np.nan, np.nan])
    s = Sweep("a100_80gb", np.logspace(9, 11, n), np.logspace(9, 11, n), regs, (None,) * n, cost, cost, cost,
              np.ones(n), 0)
    ch = regime_changes(s)
    assert [(c["from"], c["to"]) for c in ch] == [("one GPU", "ZeRO data parallel")]
    assert ch[0]["cost_jump"] == pytest.approx(1.3 / 1.1)


def test_step_error_sensitivity_fields_scale_exactly_the_layouts_they_name():
    """gemm.Calibration's sensitivity-only fields: model_parallel_time_factor multiplies the step of every layout that
    pays an adoption cost (tensor, pipeline or ZeRO-3) and no other; size_error_drift_points is 1 at 1B and 1 + points /
    100 at 1T, linear in log size. Neutral by default (the fitted model is unchanged)."""
    from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION as C
    assert (C.model_parallel_time_factor, C.size_error_drift_points) == (1.0, 0.0)
    shape = cm.make_shape(layers=48, hidden=8192, heads=64)
    lay = enumerate_layouts(shape, 1536, 2048)
    hw = cm.get_hardware("a100_80gb")
    base = evaluate_layouts(shape, 1536, lay, hw)
    slow = evaluate_layouts(shape, 1536, lay, hw, calibration=C.replace(model_parallel_time_factor=1.2))
    mp = (lay.tensor > 1) | (lay.pipeline > 1) | (lay.zero_stage == 3)
    assert mp.any() and (~mp).any()
    np.testing.assert_allclose(slow["step_time"][mp], 1.2 * base["step_time"][mp], rtol=1e-12)
    np.testing.assert_array_equal(slow["step_time"][~mp], base["step_time"][~mp])
    # the drift: the same layout of a 1B-class and a 1T-class model, against their neutral steps
    for layers, hidden, heads in ((24, 1792, 16), (128, 25600, 160)):
        common = dict(layers=layers, hidden=hidden, heads=heads, seq_len=2048, vocab=51200, global_batch=64, micro_batch=1,
                      tensor=8, pipeline=8, data=1, interleave=1, hardware="a100_80gb")
        plain = cm.estimate_step(**common)
        drift = cm.estimate_step(**common, calibration=C.replace(size_error_drift_points=20.0))
        expected = 1.0 + 0.20 * np.log10(plain.params / 1e9) / 3.0
        assert drift.step_time / plain.step_time == pytest.approx(expected, rel=1e-9)
    assert 0.99 < 1.0 + 0.20 * np.log10(param_count(24, 1792, 51200, 2048) / 1e9) / 3.0 < 1.01
    assert 1.19 < 1.0 + 0.20 * np.log10(param_count(128, 25600, 51200, 2048) / 1e9) / 3.0 < 1.21


def test_step_error_variants_change_only_the_calibration_field_they_name():
    from gapstudy.costmodel import size_choice as sc
    from gapstudy.costmodel.sensitivity import VARIANTS, variant_assumptions
    base = sc.Assumptions.make(max_days=60.0)
    for name, field, value in (("model-parallel steps 20% longer", "model_parallel_time_factor", 1.2),
                               ("model-parallel steps 20% shorter", "model_parallel_time_factor", 0.8),
                               ("step error +20 points at 1T", "size_error_drift_points", 20.0),
                               ("step error -20 points at 1T", "size_error_drift_points", -20.0)):
        assert name in VARIANTS
        a = variant_assumptions(base, name)
        assert a.max_days == 60.0  # the run's own overrides carry through
        assert getattr(a.calibration, field) == value
        assert dataclasses.replace(a.calibration, **{field: getattr(base.calibration, field)}) == base.calibration


def test_software_year_searches_only_what_existed_then():
    # a search for year Y uses only the techniques released by then (techniques.search_options), its software's
    # overlap and GEMM efficiency: 2018 has no tensor or pipeline parallelism, so a V100-16GB trains nothing past
    # what replicated state fits (16 bytes a parameter in 90% of 16 GB); the same chip with every technique does
    from gapstudy.costmodel.regimes import sweep
    sizes = (3e8, 2e9, 2e10)
    old = sweep("v100_16gb", sizes, software_year=2018)
    assert np.isfinite(old.dollars_per_param_token[0]) and old.regimes[1:] == ("infeasible", "infeasible")
    assert all(lay.tensor == lay.pipeline == 1 and lay.zero_stage == 0 for lay in old.layouts[:1])
    every = sweep("v100_16gb", sizes)
    assert np.isfinite(every.dollars_per_param_token).all()
    # 2021 software has no sequence parallelism or selective recompute (2022), which the unrestricted sweep uses
    big = sweep("a100_40gb", (1e11, 5e11), software_year=2021)
    assert not any(lay.sequence_parallel or lay.recompute == "selective" for lay in big.layouts)
    assert any(lay.sequence_parallel or lay.recompute == "selective" for lay in sweep("a100_40gb", (1e11, 5e11)).layouts)
    # later software is faster on the same chip (2024's overlap and GEMM efficiency against 2021's)
    new, base = sweep("h100", (7e9, 7e10), software_year=2024), sweep("h100", (7e9, 7e10))
    assert np.all(new.dollars_per_param_token < 0.95 * base.dollars_per_param_token)
    for bad in (2010, 2020.5, True, "2021"):
        with pytest.raises((GapstudyError, TypeError, ValueError)):
            sweep("h100", (7e9,), software_year=bad)


def test_training_cost_is_infinite_where_no_layout_is_feasible():
    # sizes next to a grid size no layout can train cost inf (not the largest feasible size's price carried on);
    # between feasible grid sizes the interpolation is the same log-log line as before
    from gapstudy.costmodel.api import _cost_grid
    from gapstudy.costmodel.regimes import Assumptions
    n = np.array([2e8, 5e9, 5e10])
    c = cm.training_cost(n, 20 * n, "v100_16gb", software_year=2018)
    assert np.isfinite(c[0]) and np.isinf(c[1:]).all()
    x, y = _cost_grid("a100_80gb", Assumptions.make())
    m = np.logspace(8.1, 12.9, 25)
    np.testing.assert_allclose(cm.training_cost(m, 20 * m, "a100_80gb"), np.exp(np.interp(np.log(m), x, y)) * 20 * m * m,
                               rtol=1e-12)
    # beyond the grid the end value is held when the end size is feasible
    end = cm.training_cost(np.array([1e13, 3e13]), np.array([2e14, 6e14]), "a100_80gb")
    assert end[1] / end[0] == pytest.approx(9.0)


def test_predicted_band_uses_the_years_software():
    from gapstudy.costmodel.hardware import hardware_in_use
    from gapstudy.costmodel.regimes import band, sweep
    for year in (2019, 2021, 2024):
        hw = hardware_in_use(year)
        assert cm.predicted_band(year) == band(sweep(hw, software_year=year))
    assert cm.predicted_band(2021, software_year=None) == band(sweep(hardware_in_use(2021)))
