"""Wall time of the whole compare experiment (all hypotheses, robustness variants) on the bundled data."""

from __future__ import annotations

import sys
import tempfile
import time

from hydra import compose, initialize_config_module

from gapstudy import schema
from gapstudy.runner import execute

TARGET_SECONDS = 60.0  # the target for one compare run on the bundled data


def main(argv: list[str]) -> None:
    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        cfg = compose(config_name="config", overrides=["experiment=compare", "quiet=true", *argv])
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        doc = execute(cfg, out)
        wall = time.perf_counter() - t0
    done = sum("ranking" in v for v in doc["robustness"])
    print(f"compare on {doc['data']['path']}: {doc['main']['n']} models, {len(doc['main']['ranking'])} hypotheses, "
          f"{done}/{len(doc['robustness'])} robustness variants run")
    print(f"wall time {wall:.1f} s (target < {TARGET_SECONDS:.0f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
