"""JSON persistence to --data-dir: loaded at start, written (debounced) after changes and at shutdown."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from . import wire

if TYPE_CHECKING:
    from .app import Emulator

STATE_FILE = "qbo-emulator-state.json"


class Persistence:
    def __init__(self, emu: Emulator) -> None:
        assert emu.config.data_dir is not None
        self.emu = emu
        self.path = Path(emu.config.data_dir) / STATE_FILE
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def load(self) -> bool:
        if not self.path.exists():
            return False
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return False
        self.emu.store.load_json(raw)
        return True

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.emu.store.lock:  # serialise under the lock: the API thread mutates these dicts
            data = wire.dumps(self.emu.store.to_json())
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self.path)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="qbo-emulator-persist", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # Debounce: at most one write per interval, only when something changed.
        while not self._stop.wait(self.emu.config.persist_debounce_seconds):
            if self.emu.store.take_dirty():
                self.save()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.save()
