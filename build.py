#!/usr/bin/env python3
"""The handout builder's command line: `python build.py --help`."""

import sys
from pathlib import Path

from handoutkit.cli import main

if __name__ == "__main__":
    sys.exit(main(project=Path(__file__).resolve().parent))
