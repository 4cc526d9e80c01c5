from typing import Any

from django.core.management.base import BaseCommand

from tanto.core.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Creates the demo user and workspaces with realistic data, once."

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = seed_demo()
        if workspace is None:
            self.stdout.write("Demo data already present.")
        else:
            self.stdout.write(
                f"Demo workspace '{workspace.name}' created: log in as {DEMO_EMAIL} / {DEMO_PASSWORD}."
            )
