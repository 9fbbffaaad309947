"""A self-contained HTML page around a body: error pages and the batch catalogue."""

from __future__ import annotations

from pathlib import Path

from insats.report.context import escape

__all__ = ["standalone_page"]

_EXTRA_CSS = """
main.wide { max-width: 80rem; }
table.catalogue td.num { text-align: right; white-space: nowrap; }
table.catalogue .change { color: var(--muted); font-size: 0.85em; }
td.status-ok { color: var(--good); }
td.status-failed { color: var(--bad); font-weight: 600; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.error-banner { background: var(--bad-soft); border-left: 4px solid var(--bad); padding: 0.5rem 1rem; }
"""


def standalone_page(*, title: str, language: str, body: str) -> str:
    """A self-contained page: the report stylesheet inlined, no scripts, no external URLs."""
    css_path = Path(__file__).parent / "templates" / "insats" / "static" / "report.css"
    css = css_path.read_text(encoding="utf-8") if css_path.exists() else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{css}\n{_EXTRA_CSS}</style>\n</head>\n"
        f'<body>\n<main class="wide">\n{body}\n</main>\n</body>\n</html>\n'
    )
