"""Configuration comes from the environment, strictly."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import env

ROOT = Path(__file__).resolve().parents[2]
GOOD_PRODUCTION_ENV = {
    "SECRET_KEY": "x7#kq!2v9$Lm4@pZ8&wR1^tY6*uI3(oP0)aS5-dF7+gH9=jK2~lZ4",
    "KENANGA_DATA_KEY": "q9hQv6oYt3PZ2dQ0b3G5i7b1yJx4l8N2mR6sT0uV3wE=",
    "ALLOWED_HOSTS": "kenanga.sragenkab.go.id",
    "DATABASE_URL": "sqlite:////tmp/kenanga-check.sqlite3",
}


def _run(args, extra_env, settings="config.settings.production"):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "SECRET_KEY",
            "KENANGA_DATA_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    environment.update(extra_env, DJANGO_SETTINGS_MODULE=settings)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_a_warning():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], GOOD_PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "KENANGA_DATA_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_secret(missing):
    environment = {k: v for k, v in GOOD_PRODUCTION_ENV.items() if k != missing}
    result = _run(["manage.py", "check"], environment)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "http://localhost"),
        ("DEBUG", "maybe"),
        ("EMAIL_PORT", "lima"),
        ("KENANGA_DATA_KEY", "short"),
        ("STRIPE_SECRET_KEY", "pk_oops"),
        ("ALLOWED_HOSTS", "a,,b"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(name, value):
    result = _run(["manage.py", "check"], {name: value}, settings="config.settings.dev")
    assert result.returncode != 0
    assert f"Environment variable {name}" in result.stderr


def test_env_helpers_parse_strictly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "ya")
    assert env.get_bool("X_BOOL") is True
    monkeypatch.setenv("X_INT", "-1")
    with pytest.raises(env.EnvError, match="X_INT"):
        env.get_int("X_INT", 5, minimum=0)
    monkeypatch.setenv("X_LIST", "a, b")
    assert env.get_list("X_LIST") == ["a", "b"]
    monkeypatch.setenv("X_CHOICE", "c")
    with pytest.raises(env.EnvError, match="X_CHOICE"):
        env.get_choice("X_CHOICE", "a", ("a", "b"))


def _documented_env_file() -> list[str]:
    """Return the lines of kenanga.env as docs/operations.md shows them."""
    text = (ROOT / "docs" / "operations.md").read_text()
    block = text.split("create `/etc/kenanga/kenanga.env`", 1)[1].split("```sh\n", 1)[1]
    return block.split("```", 1)[0].strip().splitlines()


def _value_as_written(raw: str) -> str:
    # How systemd's EnvironmentFile reads a value: surrounding quotes removed.
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    return raw


def test_a_generated_env_file_sourced_by_the_shell_gives_the_same_values(tmp_path):
    from django.core.management import call_command

    def generated(command):
        out = io.StringIO()
        call_command(command, stdout=out)
        return out.getvalue().strip()

    expected = {}
    lines = []
    for line in _documented_env_file():
        name, raw = line.strip().split("=", 1)
        if "generate_secret_key" in raw:
            raw = generated("generate_secret_key")
        elif "generate_data_key" in raw:
            raw = generated("generate_data_key")
        lines.append(f"{name}={raw}")
        expected[name] = _value_as_written(raw)
    # Several keys, so that a generator that sometimes emits $ ( ) & is caught.
    for i in range(8):
        raw = generated("generate_secret_key")
        lines.append(f"EXTRA_SECRET_{i}={raw}")
        expected[f"EXTRA_SECRET_{i}"] = raw
    # A password with shell characters, written in single quotes as the docs say.
    lines.append("""EXTRA_PASSWORD='pa$$ (w0rd) & "kutip" <x> `y` \\z'""")
    expected["EXTRA_PASSWORD"] = """pa$$ (w0rd) & "kutip" <x> `y` \\z"""
    env_file = tmp_path / "kenanga.env"
    env_file.write_text("\n".join(lines) + "\n")

    script = (
        'set -a; . "$1"; set +a; kenanga_python="$2"; shift 2; '
        'exec "$kenanga_python" -c "import json, os, sys; '
        'print(json.dumps({k: os.environ.get(k) for k in sys.argv[1:]}))" "$@"'
    )
    result = subprocess.run(
        ["sh", "-c", script, "sh", str(env_file), sys.executable, *expected],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    sourced = json.loads(result.stdout.strip().splitlines()[-1])
    assert sourced == expected
    assert expected["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert len(expected["SECRET_KEY"]) >= 50


def test_check_deploy_fails_when_it_runs_with_the_development_settings():
    result = _run(["manage.py", "check", "--deploy"], {}, settings="config.settings.dev")
    assert result.returncode != 0
    assert "kenanga.E001" in result.stderr + result.stdout


@pytest.mark.parametrize("name", ["SECRET_KEY", "KENANGA_DATA_KEY"])
def test_a_production_secret_stops_the_development_settings_from_starting(name):
    value = GOOD_PRODUCTION_ENV[name]
    result = _run(["manage.py", "check"], {name: value}, settings="config.settings.dev")
    assert result.returncode != 0
    assert f"Environment variable {name}" in result.stderr
    assert "config.settings.production" in result.stderr

    allowed = _run(
        ["manage.py", "check"],
        {name: value, "KENANGA_ENV": "development"},
        settings="config.settings.dev",
    )
    assert allowed.returncode == 0, allowed.stderr
