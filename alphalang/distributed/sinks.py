"""Where a chunked run writes: a parquet dataset directory, committed atomically.

Chunks are written (by the workers, ``tasks.write_chunk``) into a hidden temporary directory next to the
target, each file itself written under a hidden name and renamed. Only when every chunk is written does the
parent add ``_alphalang_manifest.json`` (chunks, rows, outputs, dates) and rename the directory to the
target: a reader never sees a partial dataset under the target name, and a failed run leaves nothing there
(its temporary directory is removed). The dataset is long form (date, asset, one column per output), one
file per chunk, readable by ``alphalang.load_panel``, pandas or pyarrow (names starting ``_``/``.`` are
skipped by their dataset readers).

Example:
    >>> import tempfile, os
    >>> root = tempfile.mkdtemp()
    >>> sink = DatasetSink(os.path.join(root, "out"))
    >>> tmp = sink.begin(); path = sink.commit({"chunks": 0}); sorted(os.listdir(root))
    ['out']
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

from alphalang.errors import AlphaDataError

__all__ = ["DatasetSink", "MANIFEST"]

MANIFEST = "_alphalang_manifest.json"


class DatasetSink:
    """A target directory, written through a temporary sibling and committed by rename."""

    def __init__(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        self.path = Path(path).expanduser().absolute()
        self.overwrite = overwrite
        if self.path.exists() and not overwrite and (not self.path.is_dir() or any(self.path.iterdir())):
            raise AlphaDataError(f"the output {self.path} already exists",
                                 hint="choose a new path, or pass overwrite=True (CLI: --overwrite)")
        self.temp: Path | None = None

    def begin(self) -> Path:
        """Create and return the temporary directory the chunks are written into."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.temp = self.path.with_name(f".{self.path.name}.alphalang-{uuid.uuid4().hex[:12]}.tmp")
        self.temp.mkdir()
        return self.temp

    def commit(self, manifest: dict) -> Path:
        """Write the manifest, drop stray partial files of retried tasks, and rename into place."""
        assert self.temp is not None, "begin() first"
        for stray in self.temp.glob(".*.inprogress"):
            stray.unlink()
        (self.temp / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str))
        old = None
        if self.path.exists():
            old = self.path.with_name(f".{self.path.name}.alphalang-{uuid.uuid4().hex[:12]}.old")
            os.replace(self.path, old)
        os.replace(self.temp, self.path)
        self.temp = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.path

    def abort(self) -> None:
        """Remove the temporary directory (a failed run leaves nothing behind)."""
        if self.temp is not None:
            shutil.rmtree(self.temp, ignore_errors=True)
            self.temp = None
