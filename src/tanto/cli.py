"""The `tanto` command: demo, serve, worker, emulator and Django's management commands."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

DEMO_APP_LOGIN = ("demo@example.com", "demo")


def manage(argv: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanto.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tanto manage", *argv])
    return 0


def deploy_check() -> int:
    """Refuses a production start that would be unsafe (debug on, generated or missing keys)."""
    return subprocess.call(
        [sys.executable, "-m", "tanto.cli", "manage", "check", "--deploy", "--fail-level", "ERROR"]
    )


def serve(host: str, port: int, reload: bool = False) -> int:
    """Runs the web app with uvicorn (ASGI). Static files are served by WhiteNoise."""
    import uvicorn

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanto.settings")
    # `tanto demo` is the one place where debug and a generated key are expected.
    if os.environ.get("TANTO_DEMO") != "1" and deploy_check() != 0:
        print(
            "tanto serve: refusing to start; fix the errors above (see README: Configuration)",
            file=sys.stderr,
        )
        return 1
    uvicorn.run(
        "tanto.asgi:application",
        host=host,
        port=port,
        reload=reload,
        log_level=os.environ.get("TANTO_LOG_LEVEL", "info").lower(),
        lifespan="off",
    )
    return 0


def worker(extra: Sequence[str]) -> int:
    return manage(["worker", *extra])


def emulator(argv: Sequence[str]) -> int:
    # Started as its own process: the app talks to the emulator only over HTTP.
    return subprocess.call([sys.executable, "-m", "qbo_emulator", *argv])


def demo() -> int:
    """Migrate, seed once, then run the app, the QuickBooks emulator and a worker until Ctrl-C."""
    os.environ["TANTO_DEMO"] = "1"
    os.environ.setdefault("TANTO_DEBUG", "1")
    os.environ.setdefault("TANTO_SECURE_COOKIES", "0")
    port = int(os.environ.get("TANTO_PORT", "8000"))
    emulator_port = int(os.environ.get("TANTO_EMULATOR_PORT", "8001"))
    os.environ.setdefault(
        "QBO_ENVIRONMENT", f"http://127.0.0.1:{emulator_port}/.well-known/openid_sandbox_configuration"
    )
    os.environ.setdefault("QBO_API_BASE_URL", f"http://127.0.0.1:{emulator_port}")
    os.environ.setdefault("QBO_CLIENT_ID", "tanto-demo")
    os.environ.setdefault("QBO_CLIENT_SECRET", "tanto-demo-secret")
    os.environ.setdefault("QBO_REDIRECT_URI", f"http://127.0.0.1:{port}/integrations/quickbooks/callback")
    os.environ.setdefault("QBO_EMULATOR_DEMO_REDIRECT_URIS", os.environ["QBO_REDIRECT_URI"])
    tanto = [sys.executable, "-m", "tanto.cli"]
    for step in (["manage", "migrate", "--no-input", "-v", "0"], ["manage", "seed_demo"]):
        if subprocess.call([*tanto, *step]) != 0:
            return 1
    data_dir = os.environ.get("TANTO_DATA_DIR", ".tanto")
    children = [
        subprocess.Popen([*tanto, "serve", "--port", str(port)]),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qbo_emulator",
                "--port",
                str(emulator_port),
                "--data-dir",
                os.path.join(data_dir, "emulator"),
            ]
        ),
        subprocess.Popen([*tanto, "worker"]),
    ]
    email, password = DEMO_APP_LOGIN
    print(
        f"\n  Tanto                http://127.0.0.1:{port}   log in as {email} / {password}\n"
        f"  QuickBooks emulator  http://127.0.0.1:{emulator_port}   owner@example.com or solo@example.com"
        " / sandbox\n  Ctrl-C stops everything.\n",
        flush=True,
    )
    return supervise(children)


def supervise(children: list[subprocess.Popen[bytes]]) -> int:
    """Waits until one child exits or we are told to stop, then stops them all."""
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = 0
    try:
        while not stopping:
            for child in children:
                try:
                    child_code = child.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    continue
                print(
                    f"process {child.args!r} exited with {child_code}; stopping the others", file=sys.stderr
                )
                code = child_code or 1
                stopping = True
                break
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="tanto", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="run the demo: app, QuickBooks emulator and a worker")
    serve_parser = sub.add_parser("serve", help="run the web app")
    serve_parser.add_argument("--host", default=os.environ.get("TANTO_HOST", "127.0.0.1"))
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("TANTO_PORT", "8000")))
    sub.add_parser("worker", help="run a background worker (extra arguments go to db_worker)")
    sub.add_parser("emulator", help="run the QuickBooks emulator (arguments go to it)")
    sub.add_parser("manage", help="Django management commands")
    if args and args[0] in {"manage", "worker", "emulator"}:
        rest = args[1:]
        return {"manage": manage, "worker": worker, "emulator": emulator}[args[0]](rest)
    parsed = parser.parse_args(args)
    if parsed.command == "demo":
        return demo()
    return serve(parsed.host, parsed.port)


if __name__ == "__main__":
    sys.exit(main())
