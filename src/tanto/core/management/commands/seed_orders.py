import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanto.accounts.models import Workspace
from tanto.core.seeding import bulk_orders, create_workspace


class Command(BaseCommand):
    help = "Fills a workspace with N realistic sales orders (and N/2 purchase orders) using bulk inserts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, required=True)
        parser.add_argument("--rows", type=int, default=3, help="rows per order")
        parser.add_argument(
            "--workspace", type=int, help="workspace id (default: a new 'Benchmark' workspace)"
        )

    def handle(self, *args: Any, orders: int, rows: int, workspace: int | None, **options: Any) -> None:
        if orders < 1:
            raise CommandError("--orders must be at least 1")
        started = time.perf_counter()
        if workspace is None:
            admin, _ = get_user_model().objects.get_or_create(email="bench@example.com")
            target = create_workspace("Benchmark", "GB", "GBP", admin, seed=99, customers=100, suppliers=20)
        else:
            try:
                target = Workspace.objects.get(pk=workspace)
            except Workspace.DoesNotExist:
                raise CommandError(f"no workspace with id {workspace}") from None
        sales, purchases = bulk_orders(target, orders, rows)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"workspace {target.pk}: {sales} sales orders and {purchases} purchase orders in {elapsed:.1f}s"
        )
