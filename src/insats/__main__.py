"""``python -m insats``: the same console command as ``insats``."""

from insats.cli import main

main()
