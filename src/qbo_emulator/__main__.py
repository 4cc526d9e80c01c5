"""`python -m qbo_emulator --port 8001 [--host 127.0.0.1] [--data-dir DIR] [--no-control]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from .app import create_app
from .config import EmulatorConfig


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qbo_emulator", description="A local QuickBooks Online emulator.")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--host", default="127.0.0.1", help="loopback only by default")
    parser.add_argument("--data-dir", type=Path, default=None, help="persist state as JSON in this directory")
    parser.add_argument("--no-control", action="store_true", help="disable the /_emulator control plane")
    parser.add_argument("--no-limits", action="store_true", help="turn Intuit's throttles off")
    parser.add_argument("--log-level", default="info")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    config = EmulatorConfig(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        control=not args.no_control,
        limits_enabled=not args.no_limits,
    )
    app = create_app(config)
    print(
        f"QuickBooks emulator on http://{args.host}:{args.port} "
        f"(discovery: /.well-known/openid_sandbox_configuration, API: /v3)",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, timeout_graceful_shutdown=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
