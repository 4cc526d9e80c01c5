"""Production refuses to start unsafe: debug on, a generated secret key, or insecure cookies; it only warns
when users would have no support contact."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tanto.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TANTO_", "DATABASE_URL", "DJANGO_"))}
    return {**clean, "TANTO_DATA_DIR": str(tmp_path)}


def test_serve_refuses_a_generated_key_and_debug(env: dict[str, str]) -> None:
    result = run("serve", "--port", "1", env={**env, "TANTO_DEBUG": "1"})
    assert result.returncode == 1
    assert "tanto.E001" in result.stderr and "tanto.E002" in result.stderr and "tanto.E003" in result.stderr
    assert "refusing to start" in result.stderr


def production_check(env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    """`tanto manage check --deploy` with a proper production configuration, plus `extra`."""
    production = {"TANTO_SECRET_KEYS": "k" * 50, "TANTO_ALLOWED_HOSTS": "tanto.example.com"}
    return run("manage", "check", "--deploy", "--fail-level", "ERROR", env={**env, **production, **extra})


def test_a_proper_production_configuration_passes_the_deploy_check(env: dict[str, str]) -> None:
    result = production_check(env)
    assert result.returncode == 0, result.stderr
    assert "tanto.E00" not in result.stderr
    # No support contact: warned about, but a warning never stops `tanto serve`.
    assert "tanto.W010" in result.stderr


def test_a_support_contact_silences_the_support_warning(env: dict[str, str]) -> None:
    result = production_check(env, TANTO_SUPPORT_EMAIL="help@tanto.example.com")
    assert result.returncode == 0, result.stderr
    assert "tanto.W010" not in result.stderr and "tanto.W011" not in result.stderr
