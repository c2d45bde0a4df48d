"""Statistical tests of the parameter gap, all on log10(parameters): is there a gap, where, and is it significant."""

from gapstudy.stats.bandwidths import select_bandwidth
from gapstudy.stats.deficit import deficit_test
from gapstudy.stats.dip import dip_test
from gapstudy.stats.excess_mass import excess_mass, excess_mass_test
from gapstudy.stats.mixture import mixture_test
from gapstudy.stats.nulls import fit_null
from gapstudy.stats.rounding import jitter, round_counts, significant_digits
from gapstudy.stats.scan import gap_scan
from gapstudy.stats.silverman import critical_bandwidth, hall_york_lambda, silverman_test
from gapstudy.stats.simulate import sample_gapped, sample_mixture, sample_null, size_and_power
from gapstudy.stats.trough import kde_trough

__all__ = [
    "critical_bandwidth",
    "deficit_test",
    "dip_test",
    "excess_mass",
    "excess_mass_test",
    "fit_null",
    "gap_scan",
    "hall_york_lambda",
    "jitter",
    "kde_trough",
    "mixture_test",
    "round_counts",
    "sample_gapped",
    "sample_mixture",
    "sample_null",
    "select_bandwidth",
    "significant_digits",
    "silverman_test",
    "size_and_power",
]
