"""The `cadres` console command (config/cli.py): Django's commands by the product's name."""

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from config import cli

CADRES = Path(sys.executable).with_name("cadres")


def _run_main(argv: list[str]) -> list[str]:
    with (
        mock.patch("django.core.management.execute_from_command_line") as execute,
        mock.patch.object(sys, "argv", argv),
    ):
        cli.main()
    execute.assert_called_once()
    return execute.call_args.args[0]


def test_hyphenated_command_names_map_to_django_commands():
    assert _run_main(["/venv/bin/cadres", "import-roster", "roster.xlsx", "--dry-run"]) == [
        "cadres",
        "import_roster",
        "roster.xlsx",
        "--dry-run",
    ]


def test_options_and_plain_commands_are_passed_unchanged():
    assert _run_main(["cadres", "--version"]) == ["cadres", "--version"]
    assert _run_main(["cadres", "migrate", "--plan"]) == ["cadres", "migrate", "--plan"]
    assert _run_main(["cadres", "demo", "--if-empty"]) == ["cadres", "demo", "--if-empty"]


@pytest.mark.skipif(
    not CADRES.exists(), reason="the cadres script is installed by pip install -e ."
)
def test_installed_script_knows_the_product_commands():
    result = subprocess.run(
        [str(CADRES), "help", "import-roster"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "usage: cadres import_roster" in result.stdout
    assert "--dry-run" in result.stdout


@pytest.mark.skipif(
    not CADRES.exists(), reason="the cadres script is installed by pip install -e ."
)
def test_installed_script_lists_the_demo_and_roster_commands():
    result = subprocess.run(
        [str(CADRES), "help"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    for name in ("demo", "import_roster", "export_roster"):
        assert f"    {name}\n" in result.stdout


def test_help_takes_the_hyphenated_name_too():
    assert _run_main(["cadres", "help", "export-roster"]) == ["cadres", "help", "export_roster"]
