"""Self-correlation: how correlated an alpha's daily PnL is with a pool of saved simulations.

A saved simulation is an ``.npz`` file (numpy arrays only, read with ``allow_pickle=False``) holding ``format``,
``name``, ``dates``, ``pnl`` and ``start`` (the first live row). A pool file comes from anyone, so ``load``
checks every key, dtype, shape and value and turns any problem into an ``AlphaDataError`` naming the file.

Example:
    >>> import tempfile, alphalang
    >>> panel = alphalang.demo_panel(200, 30, seed=2)
    >>> a = alphalang.evaluate("-ts_delta(close, 5)", panel)
    >>> sims = alphalang.simulate({"a": a, "b": a * 2.0}, panel)
    >>> folder = tempfile.mkdtemp()
    >>> sims["b"].save(f"{folder}/b.npz")
    >>> corr, name = sims["a"].self_correlation(folder)
    >>> round(corr, 6), name
    (1.0, 'b')
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from alphalang.errors import AlphaDataError

FORMAT = 1
KEYS = {"format", "name", "dates", "pnl", "start"}
MAX_NAME = 200
MAX_ROWS = 10_000_000


@dataclass(frozen=True)
class SavedPnl:
    """A pool member: its name and live PnL as a Series indexed by date."""

    name: str
    pnl: pd.Series


def save(sim, path) -> None:
    """Write ``sim``'s name, dates and PnL to ``path`` (.npz, no pickles)."""
    dates = sim.dates
    if isinstance(dates, pd.DatetimeIndex):
        stored = (dates.tz_convert(None) if dates.tz is not None else dates).to_numpy()  # datetime64, UTC
    elif dates.dtype.kind in "iu":
        stored = dates.to_numpy(dtype=np.int64)
    else:
        stored = np.asarray(dates.astype(str), dtype=str)
    start = -1 if sim.start is None else sim.start
    with open(path, "wb") as f:
        np.savez(f, format=np.int64(FORMAT), name=np.str_(str(sim.name)[:MAX_NAME]), dates=stored,
                 pnl=np.asarray(sim.pnl, dtype=np.float64), start=np.int64(start))


def load(path) -> SavedPnl:
    """Read and validate one saved simulation."""
    path = Path(path)

    def bad(why: str) -> AlphaDataError:
        return AlphaDataError(f"{path}: not a saved alphalang simulation ({why})",
                              hint="pool files are written by Simulation.save(path)")

    try:
        with np.load(path, allow_pickle=False) as data:
            if set(data.files) != KEYS:
                raise bad(f"keys {sorted(data.files)}, expected {sorted(KEYS)}")
            arrays = {k: data[k] for k in KEYS}
    except AlphaDataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise bad(f"{type(exc).__name__}: {exc}") from None
    fmt, name, dates, pnl, start = (arrays[k] for k in ("format", "name", "dates", "pnl", "start"))
    if fmt.shape != () or fmt.dtype.kind != "i" or int(fmt) != FORMAT:
        raise bad(f"format {fmt!r}, expected {FORMAT}")
    if name.shape != () or name.dtype.kind != "U" or not 0 < len(str(name)) <= MAX_NAME:
        raise bad("name must be a short text")
    if pnl.ndim != 1 or pnl.dtype != np.float64 or not 0 < pnl.size <= MAX_ROWS or not np.isfinite(pnl).all():
        raise bad("pnl must be a 1-D float64 array of finite values")
    if dates.shape != pnl.shape or dates.dtype.kind not in "MiU":
        raise bad("dates must be a 1-D array of dates, integers or text, one per PnL row")
    if start.shape != () or start.dtype.kind != "i" or not -1 <= int(start) < pnl.size:
        raise bad("start must be a row number")
    index = pd.Index(dates)
    if not index.is_unique:
        raise bad("dates repeat")
    live = pnl[int(start) + 1:] if int(start) >= 0 else pnl[:0]
    return SavedPnl(str(name), pd.Series(live, index=index[len(pnl) - len(live):]))


def load_pool(pool) -> list[SavedPnl]:
    """A file, or every ``*.npz`` file of a folder (sorted by name)."""
    path = Path(pool)
    if path.is_dir():
        return [load(p) for p in sorted(path.glob("*.npz"))]
    if not path.exists():
        raise AlphaDataError(f"self-correlation pool {path} does not exist")
    return [load(path)]


def correlation(a: pd.Series, b: pd.Series) -> float:
    """Pearson correlation over the dates both series share (NaN with fewer than 2 or a constant series)."""
    joined = pd.concat([a, b], axis=1, join="inner").to_numpy()
    if len(joined) < 2:
        return math.nan
    x, y = joined[:, 0] - joined[:, 0].mean(), joined[:, 1] - joined[:, 1].mean()
    den = math.sqrt(float(x @ x) * float(y @ y))
    return float(x @ y) / den if den > 0 else math.nan


def max_correlation(sim, pool) -> tuple[float, str | None]:
    """(the largest correlation of ``sim``'s live PnL with a pool member, that member's name)."""
    start = -1 if sim.start is None else sim.start
    mine = pd.Series(sim.pnl[start + 1:] if start >= 0 else sim.pnl[:0], index=sim.dates[start + 1:]
                     if start >= 0 else sim.dates[:0])
    best, who = math.nan, None
    for member in (pool if isinstance(pool, list) else load_pool(pool)):
        c = correlation(mine, member.pnl)
        if math.isfinite(c) and not (c <= best):
            best, who = c, member.name
    return best, who
