"""The two Python environments that `make setup` builds, and how it finds Python 3.10."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT

FIND = ROOT / "scripts" / "find-python.sh"


def test_python_310_is_found_for_the_bot_environment():
    result = subprocess.run([str(FIND), "3.10"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("Python 3.10")


def test_a_wrong_override_is_refused_with_a_clear_error():
    result = subprocess.run([str(FIND), "3.10"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHON310": sys.executable})
    assert result.returncode == 1
    assert "PYTHON310" in result.stderr


def test_a_missing_version_is_a_clear_error():
    result = subprocess.run([str(FIND), "3.99"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "not found" in result.stderr and "PYTHON399" in result.stderr


@pytest.mark.bot
def test_bot_environment_has_rasa_3_6_21_on_python_310():
    python = ROOT / ".venv-bot" / "bin" / "python"
    if not python.exists():
        pytest.skip("run `make setup` to build .venv-bot")
    code = "import sys, importlib.metadata as m; print(sys.version_info[:2], m.version('rasa'), m.version('jieba'))"
    output = subprocess.run([str(python), "-c", code], capture_output=True, text=True).stdout.strip()
    assert output.startswith("(3, 10) 3.6.21")
