"""The split of a held-out error into each source's level and the error between its layouts (costmodel.source_level)."""

from collections import namedtuple

import numpy as np
import pytest

from gapstudy.costmodel.source_level import by_source, chip_levels, split_summary

Row = namedtuple("Row", "source chip label error")


def _rows(rng, sources=4, per=5):
    return [Row(f"s{i}", "h100" if i % 2 else "a100_80gb", f"r{i}.{j}", float(rng.uniform(-0.3, 0.4)))
            for i in range(sources) for j in range(per)]


def test_leave_one_out_errors_match_a_direct_computation():
    rng = np.random.default_rng(3)
    rows = _rows(rng)
    for g in by_source(rows):
        members = [r for r in rows if (r.source, r.chip) == (g.source, g.chip)]
        for i, r in enumerate(members):
            rest = [np.log(1 + m.error) for k, m in enumerate(members) if k != i]
            assert g.within[i] == pytest.approx((1 + r.error) / np.exp(np.mean(rest)) - 1, rel=1e-12, abs=1e-12)
        assert g.level == pytest.approx(np.exp(np.mean([np.log(1 + m.error) for m in members])) - 1)


def test_a_factor_shared_by_a_source_is_its_level_and_leaves_no_error_within():
    rows = [Row(s, "h100", f"{s}{j}", f) for s, f in (("a", 0.25), ("b", -0.2)) for j in range(4)]
    s = split_summary(rows)
    assert s["within_mean_abs_error"] == pytest.approx(0, abs=1e-12) and s["within_max_abs_error"] == pytest.approx(0, abs=1e-12)
    assert s["level_share"] == pytest.approx(1.0) and s["mean_abs_error"] == pytest.approx(0.225)
    assert [g.level for g in by_source(rows)] == pytest.approx([0.25, -0.2])


def test_scaling_one_source_moves_its_level_not_its_errors_within():
    rng = np.random.default_rng(5)
    rows = _rows(rng)
    scaled = [r._replace(error=(1 + r.error) * 1.3 - 1) if r.source == "s1" else r for r in rows]
    a, b = by_source(rows), by_source(scaled)
    for ga, gb in zip(a, b):
        assert gb.within == pytest.approx(ga.within, rel=1e-9, abs=1e-12)
        assert (1 + gb.level) / (1 + ga.level) == pytest.approx(1.3 if ga.source == "s1" else 1.0)


def test_errors_that_average_out_within_every_source_have_no_level():
    rows = [Row(s, "a100_40gb", f"{s}{j}", e) for s in "xyz" for j, e in enumerate((0.1, 1 / 1.1 - 1))]
    s = split_summary(rows)
    assert s["level_share"] == pytest.approx(0.0, abs=1e-12)
    assert s["within_max_abs_error"] > s["max_abs_error"]  # one row's level comes from the other, twice as far off


def test_rows_alone_in_their_source_are_counted_not_compared():
    rows = [Row("a", "h100", "a0", 0.1), Row("a", "h100", "a1", 0.2), Row("a", "a100_80gb", "a2", 0.5), Row("b", "h100", "b0", -0.4)]
    s = split_summary(rows)
    assert (s["groups"], s["compared_rows"], s["alone_rows"]) == (1, 2, 2)
    assert [g.labels for g in by_source(rows)] == [("a0", "a1")]
    empty = split_summary(rows[2:])
    assert empty["compared_rows"] == 0 and empty["alone_rows"] == 2 and empty["within_mean_abs_error"] is None


def test_chip_levels_take_out_a_factor_per_chip_in_sample_and_out_of_source():
    # one factor per chip (+20% on h100, -10% on a100) and nothing else: in sample every row is exact; out of source too,
    # since every source of a chip shares it
    rows = [Row(f"s{i}", chip, f"r{i}.{j}", f) for i, (chip, f) in enumerate((("h100", 0.2), ("h100", 0.2), ("a100_80gb", -0.1),
                                                                              ("a100_80gb", -0.1))) for j in range(3)]
    cl = chip_levels(rows)
    assert cl["as_is"]["mean_abs_error"] == pytest.approx(0.15) and cl["as_is"]["max_abs_error"] == pytest.approx(0.2)
    assert cl["in_sample"]["max_abs_error"] < 1e-12 and cl["leave_one_source_out"]["max_abs_error"] < 1e-12
    assert cl["leave_one_source_out"]["uncorrected_rows"] == 0
    # sources of one chip at different levels: in sample each is off by half their log gap; out of source by all of it
    rows = [Row(s, "h100", f"{s}{j}", f) for s, f in (("a", 0.25), ("b", -0.2)) for j in range(2)]
    cl = chip_levels(rows)
    gap = np.log(1.25 / 0.8)
    assert cl["in_sample"]["mean_abs_error"] == pytest.approx(np.mean([np.expm1(gap / 2), -np.expm1(-gap / 2)]))
    assert cl["leave_one_source_out"]["max_abs_error"] == pytest.approx(1.25 / 0.8 - 1)
    assert cl["leave_one_source_out"]["median_abs_error"] <= cl["leave_one_source_out"]["max_abs_error"]
    # the smallest max any factor reaches: +25% and -20% balance at the factor 1.025 (1.25 / 1.025 - 1 = 1 - 0.8 / 1.025)
    assert cl["in_sample"]["smallest_max_abs_error"] == pytest.approx(1.25 / 1.025 - 1)
    f = np.linspace(0.8, 1.3, 5001)  # a brute-force search over factors agrees
    assert cl["in_sample"]["smallest_max_abs_error"] == pytest.approx(np.min(np.maximum(1.25 / f - 1, 1 - 0.8 / f)), abs=1e-4)
    # a source alone on its chip keeps its own error and is counted
    cl = chip_levels(rows + [Row("c", "v100_16gb", "c0", 0.3)])
    assert cl["leave_one_source_out"]["uncorrected_rows"] == 1 and cl["leave_one_source_out"]["max_abs_error"] == pytest.approx(
        1.25 / 0.8 - 1)
    assert chip_levels([]) is None
