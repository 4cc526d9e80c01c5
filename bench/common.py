"""Helpers shared by the benchmarks: a throw-away data directory, a table printer, JSON results."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def use_fresh_data_dir() -> Path:
    """Points Tanto at an empty SQLite data directory (unless DATABASE_URL is set), before Django loads."""
    path = Path(tempfile.mkdtemp(prefix="tanto-bench-"))
    os.environ["TANTO_DATA_DIR"] = str(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanto.settings")
    return path


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def report(name: str, rows: list[tuple[str, str, str, bool]], extra: dict[str, Any]) -> bool:
    """Prints (metric, value, target, ok) rows as a table and writes results/<name>.json. True if all ok."""
    width = max(len(r[0]) for r in rows)
    print(f"{'metric':<{width}}  {'value':>14}  {'target':>14}  ok")
    for metric, value, target, ok in rows:
        print(f"{metric:<{width}}  {value:>14}  {target:>14}  {'yes' if ok else 'NO'}")
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "benchmark": name,
        "machine": machine(),
        "rows": [{"metric": m, "value": v, "target": t, "ok": ok} for m, v, t, ok in rows],
        **extra,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2))
    return all(r[3] for r in rows)
