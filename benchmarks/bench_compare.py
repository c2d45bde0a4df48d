"""Wall time of the compare experiment on the bundled data with the model-recovery study: cold cache, then cached."""

from __future__ import annotations

import os
import sys
import tempfile
import time

from hydra import compose, initialize_config_module

from gapstudy import schema
from gapstudy.runner import execute

TARGET_SECONDS = 60.0  # the target for one compare run with the recovery study on 2 cores
TARGET_CACHED_SECONDS = 10.0  # and for the same run again with the cache warm


def _run(cfg) -> tuple[dict, float]:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        doc = execute(cfg, out)
        return doc, time.perf_counter() - t0


def main(argv: list[str]) -> None:
    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        cfg = compose(config_name="config", overrides=["experiment=compare", "quiet=true", *argv])
    with tempfile.TemporaryDirectory() as cache_dir:
        os.environ["GAPSTUDY_CACHE"] = cache_dir  # a cold cache of its own (the cost model's grid included)
        doc, cold = _run(cfg)
        _, warm = _run(cfg)
    rec = doc.get("recovery") or {}
    done = sum("ranking" in v for v in doc["robustness"])
    print(f"compare on {doc['data']['path']}: {doc['main']['n']} models, {len(doc['main']['ranking'])} hypotheses, "
          f"{done}/{len(doc['robustness'])} robustness variants run")
    if "rows" in rec:
        fits = ", ".join(f"{k} {v:.1f} s" for k, v in rec["fit_seconds"].items())
        print(f"recovery: {len(rec['rows'])} generators x {rec['n_datasets']} datasets, fitted by {len(rec['fitters'])} hypotheses ({fits})")
    print(f"wall time, cold cache: {cold:.1f} s (target < {TARGET_SECONDS:.0f} s)")
    print(f"wall time, cached:     {warm:.1f} s (target < {TARGET_CACHED_SECONDS:.0f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
