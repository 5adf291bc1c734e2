"""The Dockerfile, checked without a Docker engine: its stages and what they copy, the
runtime's user, environment, health check and commands; then its Python steps replayed in a
fresh virtual environment (the app's wheel built from what the image copies, installed without
the dev extra, its static files collected, Django's deployment checks and the WSGI app
imported, and the image's command answering its health check)."""

from __future__ import annotations

import fnmatch
import io
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from cryptography.fernet import Fernet
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[dict]:
    parser = DockerfileParser(fileobj=io.StringIO((ROOT / "Dockerfile").read_text()))
    return [dict(item) for item in parser.structure if item["instruction"] != "COMMENT"]


def stages() -> dict[str, list[dict]]:
    """Each stage's instructions after its FROM, by the stage's name."""
    found: dict[str, list[dict]] = {}
    current: list[dict] = []
    for item in instructions():
        if item["instruction"] == "FROM":
            image, _, name = item["value"].partition(" AS ")
            current = [{"instruction": "IMAGE", "value": image.strip()}]
            found[name.strip()] = current
        else:
            current.append(item)
    return found


def values(stage: list[dict], instruction: str) -> list[str]:
    return [item["value"] for item in stage if item["instruction"] == instruction]


def flags_and_words(value: str) -> tuple[dict[str, str], list[str]]:
    """An instruction's leading ``--name=value`` flags, and the words after them."""
    words = shlex.split(value)
    flags: dict[str, str] = {}
    while words and words[0].startswith("--") and "=" in words[0]:
        name, _, setting = words.pop(0)[2:].partition("=")
        flags[name] = setting
    return flags, words


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Docker's rules for the patterns used here: later lines win, ``!`` re-includes, a
    pattern excludes what it names and everything below it."""
    verdict = False
    for pattern in dockerignore():
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!")
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if any(
            fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
            for prefix in prefixes
        ) or (pattern.startswith("**/") and any(fnmatch.fnmatch(p, pattern[3:]) for p in parts)):
            verdict = not negated
    return verdict


def test_three_stages_node_builds_the_extension_python_builds_wheels_slim_runtime():
    # when
    found = stages()

    # then
    assert list(found) == ["dashboard", "wheels", "runtime"]
    assert [values(stage, "IMAGE") for stage in found.values()] == [
        ["node:22-slim"],
        ["python:3.11-slim"],
        ["python:3.11-slim"],
    ]
    assert values(found["dashboard"], "RUN") == ["npm ci --no-audit --no-fund", "npm run build"]
    first_copy = values(found["dashboard"], "COPY")[0]
    assert first_copy == "dashboard_extension/package.json dashboard_extension/package-lock.json ./"
    assert values(found["wheels"], "RUN") == [
        'pip wheel --no-cache-dir --wheel-dir /wheels ".[sentry]"'
    ]


def test_every_copied_path_is_in_the_build_context_or_an_earlier_stage():
    # given
    seen: list[str] = []
    copied = 0
    for name, stage in stages().items():
        for value in values(stage, "COPY") + values(stage, "RUN"):
            flags, words = flags_and_words(value)
            mount = dict(
                part.split("=", 1) for part in flags.get("mount", "").split(",") if "=" in part
            )
            # then: a stage named is an earlier one
            for source_stage in (flags.get("from"), mount.get("from")):
                assert source_stage is None or source_stage in seen, (name, value)
            if value in values(stage, "COPY") and "from" not in flags:
                # then: a source from the context exists and .dockerignore keeps it in
                for source in words[:-1]:
                    assert (ROOT / source).exists(), source
                    assert not ignored(source), source
                    copied += 1
        seen.append(name)
    assert copied == 11


def test_dockerignore_keeps_the_bulky_and_the_secret_out():
    # then
    for path in (
        "dashboard_extension/node_modules/react/index.js",
        ".venv/bin/python",
        "var/mautomation.sqlite3",
        "tests/saleor_reference/schema.graphql",
        "saleor_mautomation/flows/__pycache__/tasks.cpython-311.pyc",
        ".env",
        ".git/HEAD",
    ):
        assert ignored(path), path
    for path in ("saleor_mautomation/flows/tasks.py", ".env.example", "pyproject.toml"):
        assert not ignored(path), path


def runtime_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for value in values(stages()["runtime"], "ENV"):
        for word in shlex.split(value):
            key, _, setting = word.partition("=")
            env[key] = setting
    return env


def test_the_runtime_runs_unprivileged_on_every_interface_with_a_health_check():
    # given
    runtime = stages()["runtime"]
    env = runtime_env()

    # then
    assert values(runtime, "USER") == ["mautomation:mautomation"]
    assert any("useradd --system --uid 10001" in run for run in values(runtime, "RUN"))
    assert env["BIND"] == "0.0.0.0"
    assert env["MAUTOMATION_ENV"] == "production"
    assert env["DASHBOARD_DIST"] == "/app/dashboard"
    assert "--from=dashboard /src/dashboard_extension/dist /app/dashboard" in values(
        runtime, "COPY"
    )
    assert values(runtime, "EXPOSE") == [env["PORT"]] == ["8080"]
    (healthcheck,) = values(runtime, "HEALTHCHECK")
    assert "/healthz" in healthcheck
    assert json.loads(values(runtime, "ENTRYPOINT")[0]) == ["mautomation"]
    assert json.loads(values(runtime, "CMD")[0])[0] == "web"
    # the last instruction running as root is before USER
    kinds = [item["instruction"] for item in runtime]
    assert kinds.index("USER") > max(i for i, kind in enumerate(kinds) if kind == "RUN")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    return done


def test_the_python_steps_replayed_in_a_fresh_environment(tmp_path):
    """One test for the whole replay (a wheel build and a virtual environment): it runs once,
    on whichever worker draws it."""
    # given: the wheels stage's context, as its COPY instructions take it
    found = stages()
    context = tmp_path / "context"
    for value in values(found["wheels"], "COPY"):
        _, words = flags_and_words(value)
        for source in words[:-1]:
            target = context / source
            if (ROOT / source).is_dir():
                shutil.copytree(
                    ROOT / source,
                    target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                )
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / source, target)

    # when: the app's wheel, then a virtual environment with it and its runtime dependencies
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(context)])
    (wheel,) = wheels.glob("saleor_mautomation-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    run([python, "-m", "pip", "install", "-q", f"saleor-mautomation[sentry] @ {wheel.as_uri()}"])

    # then: the wheel carries every file of the package the repository has
    tracked = run(["git", "ls-files", "saleor_mautomation"], cwd=ROOT).stdout.split()
    packaged = set(zipfile.ZipFile(wheel).namelist())
    copied = [path for path in tracked if (context / path).is_file()]
    assert len(copied) > 300
    assert [path for path in copied if path not in packaged] == []
    # ... and no development tool came along
    installed = {
        line.split("==")[0].lower().replace("_", "-")
        for line in run([python, "-m", "pip", "freeze"]).stdout.splitlines()
    }
    assert {"pytest", "mypy", "ruff", "pyyaml"} & installed == set()
    assert {"granian", "sentry-sdk", "prometheus-client", "celery"} <= installed

    # when: the runtime's steps, with its environment (paths moved under tmp_path)
    env = {
        **runtime_env(),
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "MAUTOMATION_VAR_DIR": str(tmp_path / "var"),
        "DASHBOARD_DIST": str(tmp_path / "dashboard"),
        "BIND": "127.0.0.1",
        "PORT": str(free_port()),
    }
    (tmp_path / "dashboard").mkdir()
    (tmp_path / "dashboard" / "index.html").write_text('<div id="root"></div>')
    collect = next(cmd for cmd in values(found["runtime"], "RUN") if "collectstatic" in cmd)
    collect = collect.split("&&")[0].replace("sqlite:////tmp/", f"sqlite:///{tmp_path}/")
    run(["sh", "-c", collect], env=env, cwd=tmp_path)

    # then: the static files are collected, and no key was generated for it
    assert (tmp_path / "var" / "static" / "graphene_django").is_dir()
    assert sorted(path.name for path in (tmp_path / "var").iterdir()) == ["static"]

    # when: the production profile with real-looking secrets
    production = {
        **env,
        "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuv",
        "ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{tmp_path}/app.sqlite3",
        "CELERY_BROKER_URL": "memory://",
        "APP_URL": "https://automation.example.com",
    }
    check = run([str(venv / "bin" / "mautomation"), "check", "--deploy"], env=production)
    imported = run(
        [
            python,
            "-c",
            "import saleor_mautomation.project.wsgi as w, saleor_mautomation as p;"
            f" print(type(w.application).__name__, p.__file__.startswith({str(venv)!r}))",
        ],
        env=production,
        cwd=tmp_path,
    )

    # then
    # Django's deployment checks: only the two warnings the app means. No CSRF middleware: no
    # cookie authenticates anything (the Dashboard's calls carry a token header, the mail
    # pages a token in the URL). HSTS preload is the operator's decision.
    warnings = [line.split(")")[0] for line in check.stderr.splitlines() if line.startswith("?: (")]
    assert warnings == ["?: (security.W003", "?: (security.W021"]
    assert imported.stdout == "WebhookIntake True\n"

    # when: the image's command, and its health check against it
    command = [str(venv / "bin" / "mautomation"), *json.loads(values(found["runtime"], "CMD")[0])]
    healthcheck = json.loads(values(found["runtime"], "HEALTHCHECK")[0].split(" CMD ", 1)[1])
    healthcheck[0] = python
    server = subprocess.Popen(
        command,
        env=production,
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            probe = subprocess.run(healthcheck, env=production, capture_output=True, check=False)
            if probe.returncode == 0 or time.monotonic() > deadline or server.poll() is not None:
                break
            time.sleep(0.3)
    finally:
        # Stopped whatever its state: granian stopped while a worker is still starting may
        # wait for it (tests/deploy/test_compose.py checks a clean stop of a started server).
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()

    # then
    assert probe.returncode == 0, probe.stderr
