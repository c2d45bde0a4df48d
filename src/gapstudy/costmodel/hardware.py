"""The accelerator catalogue: one YAML file per chip in conf/hardware/, validated on load."""

from __future__ import annotations

import functools
import importlib.resources
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Iterable

import yaml

from gapstudy.errors import GapstudyError

GB = 1e9  # decimal gigabyte, as in vendor datasheets


@dataclass(frozen=True)
class Hardware:
    """One accelerator and the node/network it sits in (SI units: FLOP/s, bytes, bytes/s, s, $)."""

    name: str
    family: str  # "gpu" or "tpu"; hardware_in_use picks from one family
    peak_flops: float  # dense 16-bit peak per chip
    memory_gb: float  # accelerator memory per chip
    memory_bandwidth_gbs: float  # HBM bandwidth per chip
    chips_per_node: int  # chips sharing the fast fabric (a TPU pod is one node)
    intra_node_bandwidth_gbs: float  # per chip, each way
    inter_node_bandwidth_gbs: float  # per chip, each way
    intra_node_latency_s: float
    inter_node_latency_s: float
    price_per_chip_hour: float  # dollars
    year_available: int
    in_use_from: int  # first year it was the common choice for large-LM training
    source: str = ""  # file it was read from

    @property
    def memory_bytes(self) -> float:
        return self.memory_gb * GB

    @property
    def hbm_bandwidth(self) -> float:
        return self.memory_bandwidth_gbs * GB

    @property
    def intra_bandwidth(self) -> float:
        return self.intra_node_bandwidth_gbs * GB

    @property
    def inter_bandwidth(self) -> float:
        return self.inter_node_bandwidth_gbs * GB

    def replace(self, **changes) -> "Hardware":
        """A copy with some fields changed (used by sensitivity analyses)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        unknown = set(changes) - set(values)
        if unknown:
            raise GapstudyError(f"unknown hardware field(s) {sorted(unknown)}; known: {sorted(values)}")
        values.update(changes)
        return Hardware(**values)


_REQUIRED = {
    "name": str,
    "family": str,
    "peak_flops": float,
    "memory_gb": float,
    "memory_bandwidth_gbs": float,
    "chips_per_node": int,
    "intra_node_bandwidth_gbs": float,
    "inter_node_bandwidth_gbs": float,
    "intra_node_latency_s": float,
    "inter_node_latency_s": float,
    "price_per_chip_hour": float,
    "year_available": int,
    "in_use_from": int,
}
_NONNEGATIVE = {"intra_node_latency_s", "inter_node_latency_s", "price_per_chip_hour"}


def _validate(raw: object, path: Path) -> Hardware:
    """Check one parsed file field by field; errors name the file and the field."""
    if not isinstance(raw, dict):
        raise GapstudyError(f"{path}: expected a mapping of hardware fields, got {type(raw).__name__}")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise GapstudyError(f"{path}: missing field(s) {missing}; every hardware file needs {list(_REQUIRED)}")
    unknown = sorted(set(raw) - set(_REQUIRED))
    if unknown:
        raise GapstudyError(f"{path}: unknown field(s) {unknown}; allowed: {list(_REQUIRED)}")
    values: dict[str, object] = {}
    for key, kind in _REQUIRED.items():
        value = raw[key]
        if kind is str:
            if not isinstance(value, str) or not value:
                raise GapstudyError(f"{path}: field '{key}' must be a non-empty string, got {value!r}")
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise GapstudyError(f"{path}: field '{key}' must be a positive integer, got {value!r}")
        else:
            if isinstance(value, str):  # YAML 1.1 reads 312.0e12 (no exponent sign) as a string
                try:
                    value = float(value)
                except ValueError:
                    pass
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise GapstudyError(f"{path}: field '{key}' must be a finite number, got {value!r}")
            value = float(value)
            if value < 0 or (value == 0 and key not in _NONNEGATIVE):
                raise GapstudyError(f"{path}: field '{key}' must be positive, got {value!r}")
        values[key] = value
    if values["family"] not in ("gpu", "tpu"):
        raise GapstudyError(f"{path}: field 'family' must be 'gpu' or 'tpu', got {values['family']!r}")
    if values["name"] != path.stem:
        raise GapstudyError(f"{path}: field 'name' ({values['name']!r}) must equal the file name ({path.stem!r})")
    return Hardware(**values, source=str(path))


def default_directory() -> Path:
    """conf/hardware, found as package data gapstudy.conf/hardware."""
    try:
        return Path(str(importlib.resources.files("gapstudy.conf") / "hardware"))
    except ModuleNotFoundError:
        # Editable installs without conf/__init__.py cannot import gapstudy.conf; fall back to
        # the repository layout (src/gapstudy/costmodel -> repo root / conf / hardware).
        return Path(__file__).resolve().parents[3] / "conf" / "hardware"


def _read_dir(directory: Path) -> dict[str, Hardware]:
    if not directory.is_dir():
        raise GapstudyError(f"hardware directory {directory} does not exist; pass a folder of <chip>.yaml files")
    out: dict[str, Hardware] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise GapstudyError(f"{path}: not valid YAML ({exc.__class__.__name__}: {exc}); fix the syntax") from None
        hw = _validate(raw, path)
        out[hw.name] = hw
    return out


@functools.lru_cache(maxsize=16)
def _load_cached(extra: tuple[str, ...]) -> dict[str, Hardware]:
    catalogue = _read_dir(default_directory())
    for directory in extra:
        catalogue.update(_read_dir(Path(directory)))  # an extra folder may override a built-in chip
    if not catalogue:
        raise GapstudyError(f"no hardware files found in {default_directory()}; add <chip>.yaml files there")
    return catalogue


def load_catalogue(extra_dir: str | Path | Iterable[str | Path] | None = None) -> dict[str, Hardware]:
    """Every chip in conf/hardware/*.yaml, plus (overriding by name) those in extra_dir."""
    if extra_dir is None:
        extra: tuple[str, ...] = ()
    elif isinstance(extra_dir, (str, Path)):
        extra = (str(Path(extra_dir).resolve()),)
    else:
        extra = tuple(str(Path(d).resolve()) for d in extra_dir)
    return dict(_load_cached(extra))


def get_hardware(hardware: str | Hardware, extra_dir=None) -> Hardware:
    """A Hardware by catalogue name (or passed through)."""
    if isinstance(hardware, Hardware):
        return hardware
    catalogue = load_catalogue(extra_dir)
    if hardware not in catalogue:
        raise GapstudyError(f"unknown hardware {hardware!r}; known: {sorted(catalogue)} (add conf/hardware/{hardware}.yaml)")
    return catalogue[hardware]


def hardware_in_use(year: int, family: str = "gpu", extra_dir=None) -> str:
    """The chip that large-LM training commonly used in `year` (latest `in_use_from` <= year)."""
    catalogue = load_catalogue(extra_dir)
    candidates = [hw for hw in catalogue.values() if hw.family == family and hw.in_use_from <= int(year)]
    if not candidates:
        first = min((hw.in_use_from for hw in catalogue.values() if hw.family == family), default=None)
        raise GapstudyError(f"no {family} hardware in use in {year}; the catalogue starts in {first}")
    best = max(candidates, key=lambda hw: (hw.in_use_from, hw.year_available, hw.memory_gb))
    return best.name
