"""Shared behaviour of test results: they unpack like scipy's, `stat, p = dip_test(x)`."""

from __future__ import annotations


class Unpacks:
    """Mixin for frozen result dataclasses with `statistic` and `pvalue` fields (plain floats):
    iterating yields exactly those two, so `statistic, pvalue = result` works as in scipy.stats."""

    def __iter__(self):
        yield self.statistic
        yield self.pvalue

    def __len__(self) -> int:
        return 2

    def __getitem__(self, i):
        return (self.statistic, self.pvalue)[i]
