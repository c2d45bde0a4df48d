"""Regenerate data/epoch_notable_ai_models.csv from a download of Epoch AI's notable_ai_models.csv.

Usage: python scripts/make_epoch_extract.py PATH/TO/notable_ai_models.csv
(the logic lives in gapstudy.data.extract, so `python -m gapstudy.data.extract` does the same).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from gapstudy.data.extract import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
