"""Shared factories of the tests: fictitious cohorts, exports, notebooks and helpers.

Every test module imports shared builders from here (never from another test module).
All data made here are FICTITIOUS.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import struct
import zlib
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from scipy.optimize import linprog

from insats.params import ReportParameters
from insats.periods import parse_period
from insats.report.context import RenderContext
from insats.report.export import section
from insats.run.runner import FIGURES_MIMETYPE

# --- from exports_data --------------------------------------------------------


def luhn_digit(nine: str) -> str:
    """The check digit of YYMMDDNNN (Skatteverket's rule; second implementation)."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def fictitious_pnr(n: int) -> str:
    """The n-th fictitious personnummer: 1985-MM-DD, serial 9NN, valid check digit."""
    month, day = n % 12 + 1, n // 12 + 1
    yymmdd = f"85{month:02d}{day:02d}"
    serial = f"9{n % 100:02d}"
    return f"19{yymmdd}-{serial}{luhn_digit(yymmdd + serial)}"


def write_csv(path: Path, rows: list[list[str]], sep: str = ";") -> Path:
    """Write rows as Excel would (cells holding the separator are quoted)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges=()) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    for title, cell_range in merges:
        book[title].merge_cells(cell_range)
    book.save(path)
    return path


# --- from test_disclosure_attack ------------------------------------------------


def _keys(frame: pd.DataFrame, dims, total: str, scope: str):
    def key(r, c):
        parts = set() if dims else {("table", scope)}
        row_dim, col_dim = (dims or ["rows", "cols"])[0], (dims or ["rows", "cols"])[-1]
        if str(r) != total:
            parts.add((row_dim, str(r)))
        if str(c) != total and not (dims and len(dims) == 1):
            parts.add((col_dim, str(c)))
        return frozenset(parts)

    return [[key(r, c) for c in frame.columns] for r in frame.index]


def intervals(tables, total: str = "Totalt", lower: int = 0) -> dict:
    """Min and max of every hidden cell over all tables, as a reader can work them out.

    Args:
        tables: list of (protected frame, dimensions or None, table name).
        total: the label of total rows and columns.
        lower: what the reader knows of hidden cells (0: only that counts are >= 0;
            1: also that hidden cells are not zero, since zeros are always shown).

    Returns:
        {(table name, row, column): (min, max)} for each hidden cell.
    """
    unknown: dict[frozenset, int] = {}
    shown: dict[frozenset, float] = {}
    equations: list[tuple[list[frozenset], list[frozenset]]] = []  # members, total
    where: dict[tuple, frozenset] = {}
    for frame, dims, name in tables:
        keys = _keys(frame, dims, total, name)
        rows, cols = list(map(str, frame.index)), list(map(str, frame.columns))
        for i, r in enumerate(frame.index):
            for j, c in enumerate(frame.columns):
                value = frame.iat[i, j]
                k = keys[i][j]
                if value is None or pd.isna(value):
                    unknown.setdefault(k, len(unknown))
                    where[(name, str(r), str(c))] = k
                else:
                    shown[k] = float(value)
        if total in cols:
            t = cols.index(total)
            for i in range(len(rows)):
                equations.append(([keys[i][j] for j in range(len(cols)) if j != t], [keys[i][t]]))
        if total in rows:
            t = rows.index(total)
            for j in range(len(cols)):
                equations.append(([keys[i][j] for i in range(len(rows)) if i != t], [keys[t][j]]))
    # A population shown in any table is known in every table.
    pinned = {cell: (shown[k], shown[k]) for cell, k in where.items() if k in shown}
    unknown = {k: i for i, k in enumerate(k for k in unknown if k not in shown)}
    where = {cell: k for cell, k in where.items() if k not in shown}
    n = len(unknown)
    if n == 0:
        return pinned
    a_rows, b = [], []
    for members, totals in equations:
        row = np.zeros(n)
        rhs = 0.0
        for k, sign in [*((m, 1.0) for m in members), *((t, -1.0) for t in totals)]:
            if k in unknown:
                row[unknown[k]] += sign
            else:
                rhs -= sign * shown[k]
        if row.any():
            a_rows.append(row)
            b.append(rhs)
    a_eq = np.array(a_rows) if a_rows else None
    b_eq = np.array(b) if a_rows else None
    out = {}
    bounds = {}
    for k, i in unknown.items():
        c = np.zeros(n)
        c[i] = 1
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None), method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None), method="highs")
        assert low.status == 0, f"the shown table is infeasible for the reader: {low.message}"
        bounds[k] = (low.fun, np.inf if high.status == 3 else -high.fun)
    for cell, k in where.items():
        out[cell] = bounds[k]
    return {**out, **pinned}


def recomputable(tables, total: str = "Totalt", lower: int = 0) -> list:
    """Hidden cells pinned to one value (lower=0: interval a point; lower=1: less than
    one whole person wide)."""
    width = 1e-9 if lower == 0 else 1 - 1e-6
    return [cell for cell, (lo, hi) in intervals(tables, total, lower).items() if hi - lo < width]


# --- from test_export -----------------------------------------------------------

SECTION_IDS = ("participants", "outcomes", "budget", "provenance")


def tiny_png(width: int = 4, height: int = 3) -> str:
    """A valid PNG (grey pixels) as base64, built by hand so tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(png).decode("ascii")


def html_output(html: str) -> nbformat.NotebookNode:
    return new_output("display_data", data={"text/html": html, "text/plain": "<Html>"})


def build_notebook(title_text: str = "Första steget") -> nbformat.NotebookNode:
    """A small executed report notebook with every kind of output papermill leaves."""
    ctx = RenderContext()
    summary = (
        '<section id="summary"><h2>Sammanfattning</h2>'
        '<p class="lead">36 personer deltog; 14 av 22 gick till arbete eller studier.</p>'
        '<dl class="key-figures"><div><dt>Deltagare</dt><dd>36</dd></div>'
        "<div><dt>Arbete eller studier</dt><dd>64 %</dd></div></dl></section>"
    )
    figure = (
        f'<figure><img src="data:image/png;base64,{tiny_png()}" alt="Stapeldiagram">'
        "<figcaption>Figur 1</figcaption></figure>"
    )
    cells = [
        new_code_cell("x = 'SECRET_PARAMETER'", metadata={"tags": ["parameters"]}),
        new_code_cell("x = 'INJECTED_PARAMETER'", metadata={"tags": ["injected-parameters"]}),
        new_code_cell(
            "display(header)",
            outputs=[html_output(f'<header class="report-header"><h1>{title_text}</h1></header>')],
        ),
        new_code_cell("display(summary)", outputs=[html_output(summary)]),
        new_code_cell(
            "print('debug')",
            outputs=[
                new_output("stream", name="stdout", text="debug line on stdout\n"),
                new_output("stream", name="stderr", text="UserWarning: noisy warning\n"),
            ],
        ),
        new_code_cell(
            "display(participants)",
            outputs=[
                html_output(
                    section(
                        "participants",
                        "Deltagarna",
                        ctx.paragraph("Deltagarna <per grupp> & kön."),
                    )
                )
            ],
        ),
        new_code_cell(
            "ax.set_title('x')",
            execution_count=7,
            outputs=[
                new_output(
                    "execute_result", data={"text/plain": "Text(0.5, 1.0, 'x')"}, execution_count=7
                )
            ],
        ),
        new_code_cell(
            "display(outcomes)",
            outputs=[html_output(section("outcomes", "Resultat", ctx.paragraph("Text."), figure))],
        ),
        new_code_cell(
            "plt.show()",
            outputs=[
                new_output("display_data", data={"image/png": tiny_png(), "text/plain": "<Figure>"})
            ],
        ),
        new_code_cell(
            "js()",
            outputs=[
                new_output(
                    "display_data",
                    data={"application/javascript": "alert(1)", "text/plain": "<JS>"},
                )
            ],
        ),
        new_code_cell(
            "display(budget)",
            outputs=[html_output(section("budget", "Ekonomi", ctx.paragraph("1 460 000 kr")))],
        ),
        new_markdown_cell("## Metod och antaganden\n\nVi använder *Wilson*-intervall."),
        new_code_cell(
            "display(prov)",
            outputs=[html_output(section("provenance", "Underlag och spårbarhet", "<p>x</p>"))],
        ),
    ]
    return new_notebook(
        cells=cells,
        metadata={
            "language_info": {"name": "python"},
            "kernelspec": {"name": "insats", "display_name": "insats"},
        },
    )


def failed_notebook() -> nbformat.NotebookNode:
    nb = build_notebook()
    failing = new_code_cell(
        "compute_outcomes(df)",
        outputs=[
            new_output("stream", name="stderr", text="warning before the error\n"),
            new_output(
                "error",
                ename="KeyError",
                evalue="'outcome_6m'",
                traceback=["\x1b[0;31mKeyError\x1b[0m: 'outcome_6m' <script>alert(2)</script>"],
            ),
        ],
    )
    failing.metadata["papermill"] = {"exception": True}
    # papermill's own red banner cell is replaced by ours
    marker = new_markdown_cell(
        '<span style="color:red">An Exception was encountered</span>',
        metadata={"tags": ["papermill-error-cell-tag"]},
    )
    nb.cells = [marker, *nb.cells[:6], failing, *nb.cells[6:]]
    return nb


# --- from test_outcomes_cohort --------------------------------------------------


def make_cohort() -> pd.DataFrame:
    """Twelve fictitious participants in three intake groups and two municipalities.

    Mess on purpose: a group of one (Åstorp 2), missing municipality, missing birth
    year, an ongoing participant, an outcome coded ``unknown``, missing self-assessment.
    No personnummer: the canonical frame holds only the export's own ids.
    """
    rows = [
        # id, group, municipality, gender, birth_year, education, referral, start, end,
        # exit_reason, outcome, support_exit, sa_start, sa_end
        (
            "p01",
            "Klippan 1",
            "Klippan",
            "woman",
            1990,
            "primary",
            "employment_service",
            "2021-01-11",
            "2021-02-20",
            "employment",
            "employment",
            "wage",
            3,
            6,
        ),
        (
            "p02",
            "Klippan 1",
            "Klippan",
            "man",
            1985,
            "secondary",
            "employment_service",
            "2021-01-11",
            "2021-04-30",
            "completed",
            "job_seeking",
            "social_assistance",
            4,
            4,
        ),
        (
            "p03",
            "Klippan 1",
            "Klippan",
            "woman",
            2001,
            "secondary",
            "municipality",
            "2021-01-11",
            "2021-03-15",
            "studies",
            "studies",
            "student_aid",
            5,
            7,
        ),
        (
            "p04",
            "Klippan 1",
            None,
            "man",
            None,
            "unknown",
            "employment_service",
            "2021-01-11",
            "2021-04-30",
            "completed",
            "work_practice",
            "social_assistance",
            2,
            5,
        ),
        (
            "p05",
            "Klippan 2",
            "Klippan",
            "woman",
            1978,
            "tertiary",
            "employment_service",
            "2021-05-03",
            "2021-06-10",
            "employment",
            "subsidised_employment",
            "wage",
            6,
            8,
        ),
        (
            "p06",
            "Klippan 2",
            "Klippan",
            "man",
            1969,
            "primary",
            "social_services",
            "2021-05-03",
            "2021-08-27",
            "completed",
            "inactive",
            "sickness_benefit",
            5,
            3,
        ),
        (
            "p07",
            "Klippan 2",
            "Klippan",
            "woman",
            1995,
            "primary",
            "employment_service",
            "2021-05-03",
            "2021-07-01",
            "moved",
            "unknown",
            "unknown",
            None,
            None,
        ),
        (
            "p08",
            "Klippan 2",
            "Klippan",
            "unknown",
            1999,
            "secondary",
            "self",
            "2021-05-03",
            None,
            None,
            None,
            None,
            4,
            None,
        ),
        (
            "p09",
            "Åstorp 1",
            "Åstorp",
            "woman",
            1988,
            "secondary",
            "employment_service",
            "2021-02-01",
            "2021-05-20",
            "completed",
            "employment",
            "wage",
            3,
            5,
        ),
        (
            "p10",
            "Åstorp 1",
            "Åstorp",
            "man",
            1960,
            "primary",
            "employment_service",
            "2021-02-01",
            "2021-05-28",
            "completed",
            "job_seeking",
            "social_assistance",
            6,
            6,
        ),
        (
            "p11",
            "Åstorp 1",
            "Åstorp",
            "woman",
            1993,
            "tertiary_short",
            "municipality",
            "2021-02-01",
            "2021-04-02",
            "health",
            "inactive",
            "sickness_benefit",
            7,
            5,
        ),
        (
            "p12",
            "Åstorp 2",
            "Åstorp",
            "man",
            2003,
            "secondary",
            "employment_service",
            "2021-09-06",
            None,
            None,
            None,
            None,
            5,
            None,
        ),
    ]
    columns = [
        "participant_id",
        "group",
        "municipality",
        "gender",
        "birth_year",
        "education",
        "referral",
        "start_date",
        "end_date",
        "exit_reason",
        "outcome_at_exit",
        "support_at_exit",
        "self_assessment_start",
        "self_assessment_end",
    ]
    df = pd.DataFrame(rows, columns=columns)
    df["project"] = "Första steget"
    df["pseudonym"] = pd.NA
    df["birth_year"] = df["birth_year"].astype("Int64")
    for col in ("self_assessment_start", "self_assessment_end"):
        df[col] = df[col].astype("Int64")
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["end_date"] = pd.to_datetime(df["end_date"])
    for col in ("outcome_6m", "outcome_12m", "support_6m", "support_12m"):
        df[col] = pd.NA
    df["support_at_start"] = "social_assistance"
    df["birth_region"] = pd.NA
    df["swedish_level"] = pd.NA
    df["work_extent"] = float("nan")  # the contract's extent of work (issue 10): unknown
    df["activity_before"] = pd.NA  # SUS sysselsättning (issue 11), not given here
    df["activity_after"] = pd.NA
    df["source_row"] = range(2, len(df) + 2)
    return df


# --- from test_socioeconomic_model ----------------------------------------------

WAGE_MONTH = 21_570  # Kommunal–SKR lowest wage 2024 (ka.se)


WAGE_YEAR = WAGE_MONTH * 12  # = 258 840


EC = 0.3142  # employer contributions 2024 (ekonomifakta.se)


TAX = 0.3237  # municipal + regional income tax 2024, all to the municipality here


PRODUCTION = WAGE_YEAR * (1 + EC)  # 258 840 × 1.3142 = 340 167.528


def make_params(**overrides) -> ReportParameters:
    base = dict(
        project="Testinsatsen",
        period="2024",
        participants_path="unused.csv",
        horizon_years=1,
        discount_rate=0.035,
        municipal_tax_rate=TAX,
        regional_tax_rate=0.0,
        employer_contribution_rate=EC,
        funder_shares={"municipality": 1.0},
        caseworker_social_services_sek_per_year=0.0,
        caseworker_employment_service_sek_per_year=0.0,
        monte_carlo_draws=200,
        price_year=2024,
    )
    base.update(overrides)
    return ReportParameters(**base)


def person(
    i,
    *,
    start="social_assistance",
    outcome="job_seeking",
    support=None,
    end="2024-01-20",
    exit_reason="completed",
    **extra,
):
    row = {
        "participant_id": f"T{i:03d}",
        "project": "Testinsatsen",
        "group": "1",
        "support_at_start": start,
        "start_date": pd.Timestamp("2024-01-08"),
        "end_date": pd.Timestamp(end) if end else pd.NaT,
        "exit_reason": exit_reason if end else pd.NA,
        "outcome_at_exit": outcome if end else pd.NA,
        "support_at_exit": support if support else (start if end else pd.NA),
        "outcome_6m": pd.NA,
        "outcome_12m": pd.NA,
        "support_6m": pd.NA,
        "support_12m": pd.NA,
    }
    row.update(extra)
    return row


def cohort(n: int, successes: int, **kwargs) -> pd.DataFrame:
    rows = [
        person(i, outcome="employment", support="wage", **kwargs)
        if i < successes
        else person(i, **kwargs)
        for i in range(n)
    ]
    return pd.DataFrame(rows)


# --- from test_participants -----------------------------------------------------

T2 = parse_period("2021-T2")  # 2021-05-01 .. 2021-08-31; year to date from 2021-01-01


def make_participants_cohort() -> pd.DataFrame:
    """Nine fictitious participants with deliberate mess.

    Group "5" exists in both Perstorp and Klippan (numbered per municipality), group "1"
    has a participant with no municipality, group "9" is a group of one, b1 exited with
    neither reason nor status, some are ongoing, d1 starts after the period and e1
    belongs to the year before. No personnummer: the canonical frame has none.
    """
    rows = [
        # id, group, municipality, gender, birth_year, education, start, end, reason, outcome
        (
            "a1",
            "1",
            "Perstorp",
            "woman",
            1990,
            "primary",
            "2021-02-01",
            "2021-05-28",
            "completed",
            "employment",
        ),
        (
            "a2",
            "1",
            "Perstorp",
            "man",
            1960,
            "secondary",
            "2021-02-01",
            "2021-03-15",
            "moved",
            "unknown",
        ),
        ("a3", "1", None, "man", None, "unknown", "2021-02-01", None, None, None),
        ("b1", "5", "Perstorp", "woman", 2000, "primary", "2021-05-10", "2021-08-20", None, None),
        ("c1", "5", "Klippan", "woman", 1975, "tertiary", "2021-05-10", None, None, None),
        (
            "c2",
            "5",
            "Klippan",
            "other",
            1985,
            "primary",
            "2021-05-10",
            "2021-06-30",
            "employment",
            "employment",
        ),
        ("d1", "7", "Klippan", "man", 1950, "primary", "2021-09-06", None, None, None),
        (
            "e1",
            "0",
            "Klippan",
            "woman",
            1996,
            "secondary",
            "2020-09-01",
            "2020-12-18",
            "completed",
            "studies",
        ),
        ("g1", "9", "Klippan", "man", 1980, "unknown", "2021-08-30", None, None, None),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "participant_id",
            "group",
            "municipality",
            "gender",
            "birth_year",
            "education",
            "start_date",
            "end_date",
            "exit_reason",
            "outcome_at_exit",
        ],
    )
    df["project"] = "Första steget"
    df["birth_year"] = df["birth_year"].astype("Int64")
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["end_date"] = pd.to_datetime(df["end_date"])
    df["birth_region"] = [
        "Afrika",
        "Asien",
        None,
        "Afrika",
        "Afrika",
        "Asien",
        "Europa",
        None,
        "Asien",
    ]
    df["swedish_level"] = ["C", "D", None, "B", "C", "C", "D", "C", None]
    df["referral"] = ["employment_service"] * 6 + ["municipality", "self", "unknown"]
    df["support_at_start"] = ["social_assistance"] * 8 + ["unknown"]
    df["source_row"] = range(2, len(df) + 2)
    return df


# --- from test_outcomes_proportions ---------------------------------------------

Z = 1.959963984540054  # scipy.stats.norm.ppf(0.975)


def wilson_by_hand(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """Wilson (1927) score interval, written out:

    centre    = (p + z²/(2n)) / (1 + z²/n)
    halfwidth = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/(4n²))
    """
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


# --- from test_batch ------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


SAMPLE = REPO / "data" / "sample" / "forsta_steget_deltagare.csv"


FIGURES_CELL = f"""
from IPython.display import display
tertial = int(period[-1])
figures = {{
    "project": project,
    "period": {{"label": period}},
    "participants": {{"enrolled": 10 * tertial + len(project), "started": 12, "exited": None}},
    "work_or_studies_at_exit": {{"share": tertial / 10, "n": 20}},
}}
display({{"{FIGURES_MIMETYPE}": figures}}, raw=True)
"""


def write_notebook(path: Path, *extra_cells: str) -> Path:
    cells = [nbformat.v4.new_code_cell("project = None\nperiod = None")]
    cells[0].metadata["tags"] = ["parameters"]
    cells += [nbformat.v4.new_code_cell(src) for src in extra_cells]
    cells.append(nbformat.v4.new_code_cell(FIGURES_CELL))
    cells.insert(1, nbformat.v4.new_markdown_cell("# Liten rapport"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
    nbformat.write(nb, path)
    return path


def write_project(folder: Path, project: str) -> Path:
    """A parameters file and a participants CSV of ``project`` (sample rows renamed)."""
    text = SAMPLE.read_text(encoding="cp1252").replace(";Första steget;", f";{project};")
    data = folder / f"{project.lower()}_deltagare.csv"
    data.write_text(text, encoding="cp1252")
    params = folder / f"{project.lower()}.yaml"
    params.write_text(
        f"project: {project}\nperiod: 2021-T1\nparticipants_path: {data.name}\n", encoding="utf-8"
    )
    return params
