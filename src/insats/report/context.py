"""The render context: language, audience and disclosure control for one report.

Every number a reader sees passes through a :class:`RenderContext`, so that the
disclosure rules of :mod:`insats.disclosure` apply to every table, figure label and
sentence alike. Result objects render with ``result.render(ctx)``; their
``_repr_html_`` uses an internal Swedish context for exploration in JupyterLab.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from insats.disclosure import SUPPRESSED, CountSpec, DisclosureControl, table_to_records
from insats.disclosure.control import record_spec
from insats.report import fmt
from insats.report.labels import Labels


class Html(str):
    """A string of trusted HTML that notebooks display as HTML."""

    def _repr_html_(self) -> str:
        return str(self)

    def __add__(self, other: str) -> Html:
        return Html(str(self) + str(other))


def escape(text: object) -> str:
    """Escape free text (from data or parameters) for HTML."""
    return html.escape("" if text is None else str(text), quote=True)


def join(parts: Iterable[str]) -> Html:
    """Concatenate HTML fragments into one (already escaped) :class:`Html`."""
    return Html("".join(str(p) for p in parts))


def section(anchor: str, title: str, *parts: str, css_class: str | None = None) -> Html:
    """A report section: ``<section id=anchor><h2 id=...>title</h2>parts</section>``.

    Args:
        anchor: the section's id, e.g. ``"participants"``; used by the table of contents.
        title: the heading text (plain text; escaped here).
        parts: trusted HTML fragments (``Html`` from render functions).
        css_class: an optional class on the section element.
    """
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return Html(
        f'<section id="{escape(anchor)}"{cls}>'
        f'<h2 id="{escape(anchor)}-heading">{escape(title)}</h2>'
        f"{join(parts)}</section>"
    )


@dataclass
class RenderContext:
    """Language, audience and the disclosure control of one report."""

    language: str = "sv"
    audience: str = "internal"
    min_cell_count: int = 5
    strict: bool = False
    labels: Labels = field(init=False)
    disclosure: DisclosureControl = field(init=False)

    def __post_init__(self) -> None:
        self.labels = Labels(self.language)
        self.disclosure = DisclosureControl(
            audience=self.audience, min_cell_count=self.min_cell_count, strict=self.strict
        )
        self._recording: dict | None = None

    # --- texts ---------------------------------------------------------------------
    def t(self, key: str, **fields: object) -> str:
        """A label in the report's language."""
        return self.labels(key, **fields)

    def code(self, vocabulary: str, code: object) -> str:
        return self.labels.code(vocabulary, code)

    @property
    def is_shared(self) -> bool:
        return self.audience == "namnd"

    # --- numbers, with disclosure control --------------------------------------------
    def is_suppressed(self, n: int | float | None) -> bool:
        """True when a count (or a statistic's denominator) must not be shown."""
        return self.disclosure.is_suppressed_count(n)

    def count(self, n: int | float | None) -> str:
        """A count of persons as the reader sees it ('..' when suppressed)."""
        if n is None or pd.isna(n):
            return fmt.MISSING
        if self.is_suppressed(n):
            self.disclosure.note_suppressed()  # the appendix counts values hidden in prose
            return SUPPRESSED
        return fmt.format_count(int(n), self.language)

    def count_value(self, n: int | float | None) -> int | None:
        """A count for figures.json: None when suppressed or missing."""
        if n is None or pd.isna(n) or self.is_suppressed(n):
            return None
        return int(n)

    def share(self, value: float | None, denominator: int | float | None, digits: int = 0) -> str:
        """A share whose denominator (or implied count) decides whether it may be shown."""
        if self.disclosure.is_suppressed_share(value, denominator):
            return SUPPRESSED
        return fmt.format_share(value, self.language, digits)

    def share_value(self, value: float | None, denominator: int | float | None) -> float | None:
        if (
            value is None
            or pd.isna(value)
            or self.disclosure.is_suppressed_share(value, denominator)
        ):
            return None
        return float(value)

    def statistic_value(self, value, denominator):
        """Any derived statistic (mean, median, interval bound) for figures.json."""
        return self.share_value(value, denominator)

    def share_range(self, low: float | None, high: float | None, denominator) -> str:
        if self.is_suppressed(denominator):
            return SUPPRESSED
        return fmt.format_share_range(low, high, self.language)

    def proportion(self, k: int, n: int, low: float | None, high: float | None) -> str:
        """The share as "8 av 12 (67 %, 95 % konfidensintervall 39–86 %)".

        Suppressed as a whole when either the count or the denominator is small.
        """
        if n == 0:
            return self.t("stat.no_one")
        if self.is_suppressed(n) or self.is_suppressed(k) or self.is_suppressed(n - k):
            return self.t("stat.proportion_suppressed", mark=SUPPRESSED)
        return self.t(
            "stat.proportion",
            k=fmt.format_count(k, self.language),
            n=fmt.format_count(n, self.language),
            share=fmt.format_share(k / n, self.language),
            interval=fmt.format_share_range(low, high, self.language),
        )

    # --- numbers of the one publication model (see insats.disclosure.publication) ------
    def publish(
        self,
        values: dict,
        lines=(),
        unpublished: dict | None = None,
        slack: dict | None = None,
    ) -> None:
        """Register counts shown outside count tables, and how they relate to others.

        ``values``: {key: count} with keys from :func:`insats.disclosure.count_key`;
        ``lines``: ``(total_key, member_keys)`` sums a reader knows. Planned jointly with
        every count table of the report (the dry run registers them before the plan).
        ``unpublished``: {key: count} of cells the lines hold that the report does not
        show but a reader can work out (see ``DisclosureControl.register_cells``).
        ``slack``: {key: count} of parts no report shows that a reader knows only to be
        at least 0; they bound other cells and are not protected themselves.
        """
        self.disclosure.register_cells(values, lines, unpublished, slack)

    def at_most(self, pairs) -> None:
        """Inequalities a reader knows, ``(small key, count, big key, count)``: the
        people of the one are among those of the other (see
        ``DisclosureControl.at_most``).
        """
        self.disclosure.at_most(pairs)

    def hidden(self, key, value: float | None = None) -> bool:
        """Whether the report's plan hides the cell ``key`` (registered with publish)."""
        if value is not None and not pd.isna(value):
            self.disclosure.register_cells({key: int(value)})
        return self.disclosure.is_hidden(key, value)

    def cell(self, key, n: int | float | None) -> str:
        """A published count as text: '..' where the plan hides its cell."""
        if n is None or pd.isna(n):
            return fmt.MISSING
        if self.hidden(key, n):
            self.disclosure.note_suppressed()
            return SUPPRESSED
        return fmt.format_count(int(n), self.language)

    def cell_value(self, key, n: int | float | None) -> int | None:
        """A published count for figures.json: None where the plan hides its cell."""
        if n is None or pd.isna(n) or self.hidden(key, n):
            return None
        return int(n)

    def small_group(self, n_text: str) -> Html:
        """The note that a group is small, with its size; none where the size is hidden
        (".."): the note says n < 30, and its absence beside a hidden n would say n ≥ 30
        (issue 15, attack round 9: a period's hidden 30 exits, against the year's shown
        31, gave an earlier group's 1 back).
        """
        if n_text == SUPPRESSED:
            return Html("")
        return self.note(self.t("outcomes.small_group", n=n_text))

    def sek(self, value: float | None, digits: int = 0) -> str:
        return fmt.format_sek(value, self.language, digits)

    def number(self, value: float | None, digits: int = 0) -> str:
        return fmt.format_number(value, self.language, digits)

    def pct(self, value: float | None, digits: int = 0) -> str:
        """A share that is not about persons (rates, budget deviation): never suppressed."""
        return fmt.format_share(value, self.language, digits)

    def date(self, value, style: str = "long") -> str:
        return fmt.format_date(value, self.language, style)

    def years(self, value: float | None) -> str:
        return fmt.format_years(value, self.language)

    # --- HTML building blocks ------------------------------------------------------
    def heading(self, text: str, level: int = 2, anchor: str | None = None) -> Html:
        ident = f' id="{escape(anchor)}"' if anchor else ""
        return Html(f"<h{level}{ident}>{escape(text)}</h{level}>")

    def paragraph(self, text: str, css_class: str | None = None) -> Html:
        cls = f' class="{escape(css_class)}"' if css_class else ""
        return Html(f"<p{cls}>{escape(text)}</p>")

    def note(self, text: str) -> Html:
        return self.paragraph(text, "note")

    def table(
        self,
        frame: pd.DataFrame,
        caption: str,
        *,
        formats: dict[str, str] | None = None,
        index: bool = True,
        css_class: str = "table",
    ) -> Html:
        """An HTML table with a caption. ``frame`` must hold display-ready strings, or
        give ``formats`` per column: one of count, share, sek, number, pct, text.

        Use :meth:`count_table` for tables of counts: it applies disclosure control.
        """
        formats = formats or {}
        shown = frame.copy()
        for column, kind in formats.items():
            if column in shown.columns:
                shown[column] = [self._format_cell(v, kind) for v in shown[column]]
        head_cells = ([escape(shown.index.name or "")] if index else []) + [
            escape(c) for c in shown.columns
        ]
        rows = []
        for label, row in shown.iterrows():
            cells = [f'<th scope="row">{escape(label)}</th>'] if index else []
            cells += [f"<td>{escape(v)}</td>" for v in row.tolist()]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        head = "".join(f'<th scope="col">{c}</th>' for c in head_cells)
        return Html(
            f'<div class="table-wrap"><table class="{escape(css_class)}">'
            f"<caption>{escape(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _format_cell(self, value: object, kind: str) -> str:
        if isinstance(value, str):
            return value
        if kind == "count":
            return self.count(value)  # type: ignore[arg-type]
        if kind == "share":
            return fmt.format_share(value, self.language)  # type: ignore[arg-type]
        if kind == "sek":
            return self.sek(value)  # type: ignore[arg-type]
        if kind == "number":
            return self.number(value, 1)  # type: ignore[arg-type]
        if kind == "pct":
            return self.pct(value, 1)  # type: ignore[arg-type]
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)

    # --- count tables: planned jointly, then protected ----------------------------------
    def start_recording(self) -> None:
        """Record the count tables a dry-run render asks for, instead of protecting them."""
        self._recording = {}

    def stop_recording(self) -> dict:
        specs, self._recording = self._recording or {}, None
        return specs

    def plan_count_tables(self, tables: dict) -> None:
        """Protect count tables jointly, before any of them is rendered.

        While recording (the report's dry run) the tables are only recorded, so that the
        report plans them together with every other table in one joint protection.
        Tables already planned with the same counts are not planned again.

        Args:
            tables: ``{table_id: CountSpec}``; the total label is the report's own.
        """
        from dataclasses import replace

        specs = {k: replace(s, total_label=self.t("table.total")) for k, s in tables.items()}
        if self._recording is not None:
            for table_id, spec in specs.items():
                record_spec(self._recording, table_id, spec)
            return
        if not self.disclosure.active:
            return  # nothing is hidden: protect() adds the totals as it goes
        self.disclosure.plan_tables(specs)

    def protect(self, counts, *, table_id, dimensions=None, add_totals=True, filters=None):
        """A count table after primary and secondary suppression (None = hidden).

        While recording, the table is recorded for the joint plan and returned with its
        totals and nothing hidden (the dry run's output is thrown away).
        """
        spec = CountSpec(
            counts=counts,
            dimensions=list(dimensions) if dimensions else None,
            add_totals=add_totals,
            total_label=self.t("table.total"),
            filters=dict(filters) if filters else None,
        )
        if self._recording is not None:
            record_spec(self._recording, table_id, spec)
            return self.disclosure.with_totals(spec, table_id=table_id)
        return self.disclosure.protect_table(
            counts,
            table_id=table_id,
            dimensions=spec.dimensions,
            add_totals=add_totals,
            total_label=spec.total_label,
            filters=spec.filters,
        )

    def count_table(
        self,
        counts: pd.DataFrame,
        caption: str,
        *,
        table_id: str,
        dimensions: Sequence[str] | None = None,
        add_totals: bool = True,
        filters: dict | None = None,
    ) -> Html:
        """A table of person counts with totals, after primary and secondary suppression.

        Args:
            counts: integer counts, rows x columns (index and columns are category labels).
            caption: the table caption.
            table_id: a stable name for the table (used for consistency across tables).
            dimensions: names of the row and column variables (for cross-table consistency).
            add_totals: append a total row and column before protection.
            filters: what population the table counts, when two tables with the same
                dimensions count different people (e.g. ``{"population": "started"}``).
        """
        protected = self.protect(
            counts,
            table_id=table_id,
            dimensions=dimensions,
            add_totals=add_totals,
            filters=filters,
        )
        shown = protected.map(lambda v: SUPPRESSED if v is None or pd.isna(v) else self.count(v))
        return self.table(shown, caption)

    def count_table_data(self, counts, *, table_id, dimensions=None, add_totals=True, filters=None):
        """A count table for figures.json with the same suppression as the HTML."""
        return table_to_records(
            self.protect(
                counts,
                table_id=table_id,
                dimensions=dimensions,
                add_totals=add_totals,
                filters=filters,
            )
        )

    def figure(self, figure, alt: str, caption: str | None = None) -> Html:
        """Embed a matplotlib figure as a PNG data URI, with alt text and a caption."""
        import matplotlib.pyplot as plt

        cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
        if self._recording is not None:
            # The disclosure dry run collects count tables and throws its HTML away: a
            # figure is not drawn there (≈ 1 s of CPU per report, issue 14), only once, in
            # the real render, from the suppressed data.
            plt.close(figure)
            return Html(f'<figure><img alt="{escape(alt)}">{cap}</figure>')
        # Figures with a layout engine (insats.report.figures: constrained; or laid out by
        # tight_layout) are saved as laid out: bbox_inches="tight" draws a figure twice
        # (≈ 0.9 s per report, issue 14). Only a figure without any layout (legends placed
        # outside the axes by hand) is still cropped to its contents.
        tight = {"bbox_inches": "tight"} if figure.get_layout_engine() is None else {}
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None}, **tight)
        plt.close(figure)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        return Html(
            f'<figure><img src="data:image/png;base64,{data}" alt="{escape(alt)}">{cap}</figure>'
        )
