"""Start a throwaway PostgreSQL server, run a command against it, then remove it.

    python tools/pgserver.py [--durable] -- COMMAND [ARGS...]

The command gets ``DATABASE_URL`` for a superuser on a free loopback port. PostgreSQL refuses
to run as root, so as root the cluster is created and run as the ``postgres`` system user
(Debian's package creates it). Without ``--durable`` fsync is off: fine for tests, whose data
is thrown away; benchmarks pass ``--durable`` to measure real commits.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def _bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not versions:
        sys.exit("PostgreSQL server binaries not found: install the postgresql package")
    return Path(versions[0]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextlib.contextmanager
def postgres(durable: bool = False) -> Iterator[str]:
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="mautomation-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        os.chown(sockets, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    subprocess.run(
        _as_owner(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = [
        f"-p {port}",
        "-c listen_addresses=127.0.0.1",
        f"-k {sockets}",
        "-c max_connections=200",
        "-c shared_buffers=256MB",
    ]
    # e.g. "-c shared_preload_libraries=pg_stat_statements" to see what a benchmark runs
    options += os.environ.get("PGSERVER_OPTIONS", "").split()
    if not durable:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    subprocess.run(
        _as_owner(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-o",
                " ".join(options),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/mautomation"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(root, ignore_errors=True)


def _create_database(url: str) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    for _ in range(50):
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute("CREATE DATABASE mautomation")
            return
        except psycopg.OperationalError:
            time.sleep(0.1)
    raise SystemExit("PostgreSQL did not accept connections")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durable", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    with postgres(durable=args.durable) as url:
        _create_database(url)
        env = {**os.environ, "DATABASE_URL": url}
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
