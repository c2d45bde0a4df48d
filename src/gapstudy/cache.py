"""On-disk cache of expensive results, keyed by a stable hash of their JSON-serialisable inputs."""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import math
import os
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np

from gapstudy import __version__
from gapstudy.report.files import atomic_open

T = TypeVar("T")

# Environment variable naming the cache folder; one of _OFF_VALUES switches the cache off.
CACHE_ENV = "GAPSTUDY_CACHE"
_OFF_VALUES = {"0", "off", "false", "no", "none", "disabled"}
# Bumped whenever the on-disk layout below changes, so old entries are never misread.
FORMAT = 1
_META = "__meta__"  # name of the JSON structure stored beside the arrays in each .npz entry

# Hits and misses in this process, for tests and reports.
STATS = {"hits": 0, "misses": 0, "write_errors": 0}
_warned = False


def cache_dir() -> Path | None:
    """The cache folder: $GAPSTUDY_CACHE, else $XDG_CACHE_HOME/gapstudy, else ~/.cache/gapstudy;
    None when GAPSTUDY_CACHE switches the cache off (0, off, false, no, none, disabled)."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        if value.strip().lower() in _OFF_VALUES or not value.strip():
            return None
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gapstudy"


def enabled() -> bool:
    """Whether results are cached at all."""
    return cache_dir() is not None


def _canonical(obj: Any) -> Any:
    """Inputs as plain JSON values with one spelling each (tuples -> lists, numpy -> Python,
    arrays -> their dtype, shape and content hash, non-finite floats -> tagged strings)."""
    if obj is None or isinstance(obj, (bool, str, int)) and not isinstance(obj, np.generic):
        return obj
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(obj, (np.integer, np.bool_)):
        return obj.item()
    if isinstance(obj, np.ndarray):
        arr = np.ascontiguousarray(obj)
        if arr.dtype.hasobject:
            raise TypeError("cache keys cannot hold object arrays; pass numbers or strings")
        digest = hashlib.sha256(arr.tobytes()).hexdigest()
        return {"__ndarray__": digest, "dtype": arr.dtype.str, "shape": list(arr.shape)}
    if isinstance(obj, dict):
        return {str(k): _canonical(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((_canonical(v) for v in obj), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(obj, Path):
        return str(obj)
    try:  # an OmegaConf node (a slice of cfg) keys like the plain data it holds
        from omegaconf import DictConfig, ListConfig, OmegaConf

        if isinstance(obj, (DictConfig, ListConfig)):
            return _canonical(OmegaConf.to_container(obj, resolve=True))
    except ImportError:  # pragma: no cover - omegaconf is a dependency
        pass
    if hasattr(obj, "__dataclass_fields__"):
        import dataclasses

        return _canonical(dataclasses.asdict(obj))
    raise TypeError(f"cache keys must be JSON-like values or numpy arrays, not {type(obj).__name__}")


@functools.lru_cache(maxsize=None)
def code_fingerprint(*modules: str) -> str:
    """sha256 over the source of the named modules (a package: every .py file under its folder), for
    cache keys of results that code computes: an edit to that code never serves the old entry."""
    import importlib.util

    digest = hashlib.sha256()
    for name in sorted(set(modules)):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise ValueError(f"code_fingerprint: no module named {name!r}")
        if spec.submodule_search_locations:  # a package: all its source files, in a fixed order
            root = Path(spec.origin).parent
            files = sorted(root.rglob("*.py"))
        else:
            root, files = Path(spec.origin).parent, [Path(spec.origin)]
        for path in files:
            digest.update(f"{name}:{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def key_of(namespace: str, key_parts: Any) -> str:
    """The entry's name: sha256 of the canonical JSON of the inputs, the namespace, the cache
    format and the gapstudy version (a new release never reuses an old release's numbers)."""
    doc = {"namespace": namespace, "parts": _canonical(key_parts), "gapstudy": __version__, "format": FORMAT}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _safe_namespace(namespace: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in namespace).strip("._")
    return cleaned or "default"


def entry_path(namespace: str, key_parts: Any) -> Path | None:
    """Where the entry for these inputs lives (None when the cache is off)."""
    root = cache_dir()
    if root is None:
        return None
    key = key_of(namespace, key_parts)
    return root / _safe_namespace(namespace) / key[:2] / f"{key}.npz"


def _pack(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Split a result into a JSON structure and the numpy arrays it refers to."""
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError("the cache stores numeric or string arrays, not object arrays")
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"__ndarray__": name}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("cached dicts need string keys")
        return {"__dict__": {k: _pack(v, arrays) for k, v in value.items()}}
    if isinstance(value, tuple):
        return {"__tuple__": [_pack(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_pack(v, arrays) for v in value]
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return f if math.isfinite(f) else {"__float__": repr(f)}
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise TypeError(f"the cache stores JSON values and numpy arrays, not {type(value).__name__}; convert it first")


def _unpack(node: Any, arrays: Any) -> Any:
    if isinstance(node, list):
        return [_unpack(v, arrays) for v in node]
    if isinstance(node, dict):
        if "__ndarray__" in node:
            return arrays[node["__ndarray__"]]
        if "__dict__" in node:
            return {k: _unpack(v, arrays) for k, v in node["__dict__"].items()}
        if "__tuple__" in node:
            return tuple(_unpack(v, arrays) for v in node["__tuple__"])
        if "__float__" in node:
            return float(node["__float__"])
    return node


def save(path: Path, value: Any) -> None:
    """Write one entry atomically: a temporary .npz beside it, fsynced, then renamed into place."""
    arrays: dict[str, np.ndarray] = {}
    meta = json.dumps({"format": FORMAT, "value": _pack(value, arrays)}, allow_nan=False)
    with atomic_open(path, "wb") as fh:
        np.savez(fh, **{_META: np.array(meta)}, **arrays)


def load(path: Path) -> Any:
    """Read one entry (arrays come back as numpy arrays, in memory)."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data[_META][()]))
        if meta.get("format") != FORMAT:
            raise ValueError(f"cache format {meta.get('format')} is not {FORMAT}")
        arrays = {name: data[name] for name in data.files if name != _META}
    return _unpack(meta["value"], arrays)


def _warn(message: str) -> None:
    global _warned
    if not _warned:
        print(f"gapstudy: warning: {message}; going on without the cache (set {CACHE_ENV}=DIR or {CACHE_ENV}=off)",
              file=sys.stderr, flush=True)
        _warned = True


def cached(namespace: str, key_parts: Any, compute: Callable[[], T]) -> T:
    """The result of `compute()` for these inputs: read from the cache when an entry exists, else
    computed and stored. `key_parts` must hold every input the result depends on (settings, seed,
    data hash...). A missing, unreadable or corrupt entry is recomputed; a cache folder that cannot
    be written only costs the saving (one warning), never the run."""
    path = entry_path(namespace, key_parts)
    if path is None:
        return compute()
    if path.exists():
        try:
            value = load(path)
        except Exception:  # truncated, foreign or old-format file: recompute and overwrite it
            pass
        else:
            STATS["hits"] += 1
            return value
    STATS["misses"] += 1
    value = compute()
    try:
        save(path, value)
    except OSError as exc:
        STATS["write_errors"] += 1
        _warn(f"cannot write the cache at {path.parent} ({exc.strerror or exc})")
    return value


def memoize(namespace: str | None = None) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: cache a function on its arguments (all JSON-like values or numpy arrays), bound
    to parameter names with defaults applied, so f(1) and f(x=1) share an entry."""

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        ns = namespace or f"{fn.__module__}.{fn.__qualname__}"
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> T:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            return cached(ns, dict(bound.arguments), lambda: fn(*args, **kwargs))

        inner.uncached = fn  # type: ignore[attr-defined]
        return inner

    return wrap


def clear(namespace: str | None = None) -> int:
    """Delete the entries of one namespace (or all); returns how many files went."""
    root = cache_dir()
    if root is None or not root.exists():
        return 0
    folder = root / _safe_namespace(namespace) if namespace else root
    n = 0
    for path in folder.rglob("*.npz"):
        path.unlink(missing_ok=True)
        n += 1
    return n
