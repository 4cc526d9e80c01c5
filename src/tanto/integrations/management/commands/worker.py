"""`tanto worker`: runs background tasks (django-tasks-db's worker) and, beside it, the outbox sweeper."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def sweep_forever(stop: threading.Event, every: float) -> None:
    from tanto.integrations.quickbooks.sync_tasks import sweep

    while not stop.wait(every):
        try:
            sweep()
        except Exception:  # a database hiccup must not end the sweeper; the next round tries again
            logger.exception("outbox sweep failed")
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = "Runs background tasks and re-enqueues sync work left behind by lost messages or crashed workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sweep-every", type=float, default=30.0, help="seconds between sweeps")
        parser.add_argument("--interval", type=float, default=0.2, help="seconds between polls when idle")

    def handle(self, *args: Any, sweep_every: float, interval: float, **options: Any) -> None:
        stop = threading.Event()
        sweeper = threading.Thread(
            target=sweep_forever, args=(stop, sweep_every), name="outbox-sweeper", daemon=True
        )
        sweeper.start()
        try:
            call_command(
                "db_worker",
                interval=interval,
                startup_delay=False,
                reload=False,
                verbosity=options["verbosity"],
            )
        finally:
            stop.set()
