"""Build the bundled, attributed extract of Epoch AI's notable-models CSV (data/epoch_notable_ai_models.csv)."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path

from gapstudy.errors import GapstudyError

# File name of the extract inside the bundled data folder (data/ = gapstudy.bundled).
EXTRACT_NAME = "epoch_notable_ai_models.csv"

# Epoch's column -> the extract's column, in the extract's order: the columns the suite reads
# (layouts.EPOCH_NOTABLE_EXTRACT). Parameter notes are kept because they hold the active
# parameter counts of mixture-of-experts models; base model and organisation type feed
# select.exclude_derived and the organisation-type column.
COLUMNS = {
    "Model": "name",
    "Organization": "organization",
    "Publication date": "publication_date",
    "Domain": "domain",
    "Parameters": "parameters",
    "Parameters notes": "parameters_notes",
    "Training compute (FLOP)": "training_compute",
    "Confidence": "confidence",
    "Notability criteria": "notability_criteria",
    "Open model weights?": "open_weights",
    "Base model": "base_model",
    "Organization categorization": "organization_type",
    "Link": "link",
}


def _read(source: Path) -> tuple[list[dict[str, str]], str]:
    """The source file's records (csv module, BOM-tolerant) and its sha256."""
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise GapstudyError(f"cannot read {source}: {exc.strerror}; pass Epoch's notable_ai_models.csv") from None
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    header = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise GapstudyError(
            f"{source} lacks the columns {', '.join(repr(c) for c in missing)}; "
            "pass Epoch's notable_ai_models.csv (https://epoch.ai/data/notable_ai_models.csv)"
        )
    reader.fieldnames = header
    return list(reader), hashlib.sha256(raw).hexdigest()


def build_extract(source: str | Path) -> tuple[str, dict]:
    """The extract's CSV text (every record, the columns in COLUMNS, cells stripped of surrounding
    whitespace) and facts for data/README.md: the source's sha256, record count, newest date."""
    source = Path(source)
    records, digest = _read(source)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS.values())
    for rec in records:
        writer.writerow([(rec.get(col) or "").strip() for col in COLUMNS])
    dates = sorted(d for d in ((r.get("Publication date") or "").strip()[:10] for r in records) if d)
    info = {"source": source.name, "sha256": digest, "records": len(records), "newest_date": dates[-1] if dates else None}
    return out.getvalue(), info


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate the extract from a (newer) download of notable_ai_models.csv."""
    parser = argparse.ArgumentParser(
        description="Regenerate gapstudy's bundled extract of Epoch AI's notable-models CSV "
        "(download https://epoch.ai/data/notable_ai_models.csv first; Epoch AI data are CC-BY 4.0)."
    )
    parser.add_argument("source", type=Path, help="Epoch's notable_ai_models.csv")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[3] / "data" / EXTRACT_NAME,
                        help=f"where to write the extract (default: data/{EXTRACT_NAME} of this checkout)")
    args = parser.parse_args(argv)
    try:
        text, info = build_extract(args.source)
    except GapstudyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    tmp.replace(args.out)
    print(f"wrote {args.out}: {info['records']} records from {info['source']} "
          f"(sha256 {info['sha256']}, newest publication date {info['newest_date']})")
    print("now update data/README.md (snapshot date, sha256, record count) and run pytest tests/test_extract.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
