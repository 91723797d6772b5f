"""Regenerate README.md's CLI reference from the parser, so the README always matches --help.

    python scripts/update_readme.py          # rewrite the section
    python scripts/update_readme.py --check  # exit 1 if the README is out of date
"""
from __future__ import annotations

import sys
from pathlib import Path

from tagger.cli import cli_reference

README = Path(__file__).resolve().parent.parent / "README.md"
MARKER = "<!-- generated from `tagger COMMAND --help` -->"


def main(check: bool) -> int:
    text = README.read_text(encoding="utf-8")
    head = text.split(MARKER)[0]
    new = head + MARKER + "\n\n" + cli_reference() + "\n"
    if check:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
