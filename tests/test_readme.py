"""The README's quick start and CLI reference stay true to the code."""
from pathlib import Path

from tagger.cli import cli_reference

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_cli_reference_matches_help():
    assert cli_reference() in README, "run: python scripts/update_readme.py"


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = 'pip install -e ".[test]" && pytest'
    assert test_command in README and test_command in ci
