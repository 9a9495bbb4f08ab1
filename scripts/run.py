"""Start Nurture's web server, background worker and scheduled jobs; Ctrl-C stops them all.

Used by `make run`. Production runs the same two commands under a process manager
(see README, Production).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("NURTURE_HOST", "127.0.0.1")
PORT = os.environ.get("NURTURE_PORT", "8000")


def main() -> int:
    # The demo's staff accounts log in with a password alone; a real installation leaves
    # NURTURE_REQUIRE_MFA on, so staff set up two-step verification before seeing families.
    os.environ.setdefault("NURTURE_REQUIRE_MFA", "false")
    two_step = (
        "on: staff set up two-step verification at their first login"
        if os.environ["NURTURE_REQUIRE_MFA"].lower() in ("1", "true", "yes", "on")
        else "off for this demo (NURTURE_REQUIRE_MFA=false); real installations keep it on"
    )
    web = [
        str(BIN / "gunicorn"),
        "nurture.wsgi",
        "--bind",
        f"{HOST}:{PORT}",
        "--workers",
        os.environ.get("NURTURE_WEB_WORKERS", "2"),
        "--access-logfile",
        "-",
    ]
    worker = [sys.executable, "manage.py", "db_worker"]
    periodic = [sys.executable, "manage.py", "runperiodic", "--loop"]
    processes = [
        subprocess.Popen(command, cwd=ROOT)  # noqa: S603 - fixed commands, no user input
        for command in (web, worker, periodic)
    ]
    print(
        f"\n  Nurture is running at http://{HOST}:{PORT}\n"
        "  Demo logins (password nurture-demo): admin, manager, hv, facilitator, parent, parent2\n"
        f"  Two-step verification for staff is {two_step}.\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )

    def stop(*_: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    stopped_by_user = False

    def stop_requested(*_: object) -> None:
        nonlocal stopped_by_user
        stopped_by_user = True
        stop()

    signal.signal(signal.SIGINT, stop_requested)
    signal.signal(signal.SIGTERM, stop_requested)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    finally:
        stop()
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
    if stopped_by_user:
        return 0
    failed = [process.returncode for process in processes if process.returncode]
    print("Nurture stopped because a process exited; see the messages above.", file=sys.stderr)
    return failed[0] if failed else 1


if __name__ == "__main__":
    sys.exit(main())
