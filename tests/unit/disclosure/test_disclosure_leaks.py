"""The differencing attacks of issue 15, each a named regression test on the sample.

Every test runs the real pipeline (`insats run parameters/forsta_steget.yaml`, 2021-T2,
audience namnd: the session fixture ``sample_report``) and reads only what a nämnd
receives: report.html, figures.json and manifest.json. Each attack combines published
numbers to recompute a count the report hides (1 to min_cell_count - 1 = 4); the hand
derivation of the leak found in the sample before the fix is written beside each test.
"""

from __future__ import annotations

import html as html_mod
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLE_PARAMS = REPO / "parameters" / "forsta_steget.yaml"
MIN = 5  # parameters/forsta_steget.yaml: min_cell_count default 5


class _Page(HTMLParser):
    """Tables (caption, rows of cell texts) and paragraph texts of a report page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.paragraphs: list[str] = []
        self._table: dict | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._para: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = {"caption": "", "rows": []}
            self.tables.append(self._table)
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._table is not None:
            self._table["rows"].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag in ("p", "li"):
            self._para = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None and self._table is not None:
            self._table["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table["rows"][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag in ("p", "li") and self._para is not None:
            self.paragraphs.append(re.sub(r"\s+", " ", "".join(self._para)).strip())
            self._para = None

    def handle_data(self, data):
        for buffer in (self._caption, self._cell, self._para):
            if buffer is not None:
                buffer.append(data)


@pytest.fixture(scope="module")
def published(sample_report):
    page = _Page()
    text = sample_report.html_path.read_text(encoding="utf-8")
    page.feed(re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text))
    figures = json.loads(sample_report.figures_path.read_text(encoding="utf-8"))
    return page, figures


def _table(page: _Page, caption: str) -> dict[str, dict[str, str]]:
    """{row label: {column label: cell text}} of the first table whose caption starts so."""
    for table in page.tables:
        if table["caption"].startswith(caption):
            header, *body = table["rows"]
            return {row[0]: dict(zip(header[1:], row[1:], strict=False)) for row in body}
    raise AssertionError(f"no table captioned {caption!r}")


def _number(text: str) -> int | None:
    text = html_mod.unescape(text).replace("\xa0", "").replace(" ", "")
    return int(text) if text.isdigit() else None


def _sentences(page: _Page, pattern: str) -> list[re.Match]:
    return [m for p in page.paragraphs for m in [re.search(pattern, p)] if m]


def _recomputed(total: int | None, parts: list[int | None]) -> int | None:
    """The one hidden part when a total and every other part are shown."""
    hidden = [p for p in parts if p is None]
    if total is None or len(hidden) != 1:
        return None
    return total - sum(p for p in parts if p is not None)


def _leaks(value: int | None) -> bool:
    return value is not None and 0 < value < MIN


# --- figures.json publishes what the HTML hides -------------------------------------------
def test_figures_json_exits_do_not_give_the_early_exits(published):
    # Before: exits.exited = 17, exits.completed = 16 while early_exits is null -> 1.
    _, figures = published
    exits = figures["exits"]
    for a, b in (("exited", "completed"), ("exited", "early_exits")):
        if exits[a] is not None and exits[b] is not None:
            assert not _leaks(exits[a] - exits[b]), (a, b, exits)


def test_figures_json_names_no_reason_of_hidden_early_exits(published):
    # Before: early_exit_reasons = {"parental_leave": null}: the only early exit's reason.
    page, figures = published
    reasons = figures["exits"]["early_exit_reasons"]
    shown = any(t["caption"].startswith("Orsaker till avbrott") for t in page.tables)
    if not shown:
        assert reasons in ({}, None), reasons
    for code, n in (reasons or {}).items():
        assert n is not None, f"figures.json names a hidden reason: {code}"


@pytest.mark.parametrize("dimension", ["group", "municipality"])
def test_figures_json_participant_counts_are_hidden_where_the_html_hides_them(published, dimension):
    page, figures = published
    word = {"group": "grupp", "municipality": "kommun"}[dimension]
    table = _table(page, f"Deltagare under perioden per {word}")
    columns = {
        "Inskrivna": "enrolled",
        "Nya": "started",
        "Avslutade": "exited",
        "varav i förtid": "early_exits",
    }
    block = figures["participants"][f"by_{dimension}"]
    # figures.json keys groups "Klippan: 5", the HTML "Klippan, grupp 5".
    for key, values in block.items():
        label = key.replace(": ", ", grupp ") if dimension == "group" else key
        for column, measure in columns.items():
            if table[label][column] == "..":
                assert values[measure] is None, (key, measure, values[measure])


def _group_label(key: str) -> str:
    """figures.json keys groups "Klippan: 5", the HTML "Klippan, grupp 5"."""
    return key.replace(": ", ", grupp ")


def test_figures_json_group_results_follow_the_html_plan(published):
    # Before: work_or_studies_by_group showed n = 5 for Klippan, grupp 3, which the HTML
    # table hides (secondary suppression); to date n = 62 and the shown groups
    # 5+5+5+12 (Klippan 2-5) + 5+6+5+5+10 (Perstorp 1-5) = 58, so Klippan, grupp 1's
    # hidden n was 62 - 58 = 4.
    page, figures = published
    table = _table(page, "Andel med arbete eller studier per grupp")
    block = figures["work_or_studies_by_group"]
    for key, values in block.items():
        row = table[_group_label(key)]
        if row["Antal deltagare"] == "..":
            assert values["n"] is None, (key, values)
        if row["Antal"] == "..":
            assert values["count"] is None and values["share"] is None, (key, values)
    total = figures["work_or_studies_to_date"]["n"]
    recomputed = _recomputed(total, [v["n"] for v in block.values()])
    assert not _leaks(recomputed), recomputed


def test_funnel_started_against_the_group_sizes(published):
    # Attack R1 (stop 19). A finished group's "Började" in the funnel is the group's size
    # among the results since the start. Before: the funnel hid Klippan, grupp 1 (4) and
    # Klippan, grupp 2 (5); the results showed Klippan, grupp 2's n = 5, so the funnel's
    # total 83 minus its shown groups (74) minus 5 gave Klippan, grupp 1 = 4.
    _, figures = published
    funnel = figures["recruitment"]
    sizes = figures["work_or_studies_by_group"]
    started = {g: v["started"] for g, v in funnel["by_group"].items()}
    # a hidden "Började" is read from the results where they show the group's size
    known = {g: (n if n is not None else sizes.get(g, {}).get("n")) for g, n in started.items()}
    recomputed = _recomputed(funnel["total"]["started"], list(known.values()))
    assert not _leaks(recomputed), recomputed


# --- prose against tables ---------------------------------------------------------------
def test_self_assessment_sentence_gives_no_part_by_difference(published):
    # Before: "38 ... 25 skattade sig högre, 10 lika och .. lägre" -> 38 - 25 - 10 = 3.
    page, _ = published
    for m in _sentences(
        page,
        r"(\S+) deltagare skattade sig.*?(\S+) skattade sig högre, (\S+) lika och (\S+) lägre",
    ):
        n, *parts = (_number(g) for g in m.groups())
        assert not _leaks(_recomputed(n, parts)), m.group(0)
        assert ".." not in m.group(0), f"sentence left with '..' instead of rewritten: {m[0]}"


def _outcome_rows(page: _Page) -> dict[str, int | None]:
    table = _table(page, "Deltagare efter status vid avslut: antal")
    return {row: _number(cells["Antal"]) for row, cells in table.items()}


def test_work_or_studies_sentence_against_the_outcome_table(published):
    # Before: "11 av 17 gick till arbete eller studier"; the outcome table shows Arbete 0,
    # Subventionerad anställning 9, Studier .. -> 11 - 0 - 9 = 2.
    page, _ = published
    rows = _outcome_rows(page)
    parts = [rows.get(k) for k in ("Arbete", "Subventionerad anställning", "Studier")]
    for m in _sentences(page, r"^(\S+) av (\S+) \(.*?\) gick till arbete eller studier"):
        count = _number(m.group(1))
        assert not _leaks(_recomputed(count, parts)), (m.group(0), parts)
        break  # the first such sentence is the period's (outcomes section)


def test_status_by_exit_type_against_the_outcome_table(published):
    # Attack of stop 21 (helper round 4). Before: the period's "Status vid avslut för dem
    # som fullföljde och dem som avbröt" showed "Subventionerad anställning 9 0 9", while
    # the outcome table hid the 9 (to protect Studier); figures.json had
    # exits.outcome_at_exit.completed.subsidised_employment = 9. Then "11 av 17 gick till
    # arbete eller studier" − Arbete 0 − 9 = Studier 2. The two tables count the same
    # people (their filters lacked the window, so the keys differed): one cell each.
    page, figures = published
    shares = _outcome_rows(page)
    by_type = _table(page, "Status vid avslut för dem som fullföljde")
    for status, cells in by_type.items():
        if status == "Totalt" or status not in shares:
            continue
        total = _number(cells["Totalt"])
        assert (total is None) == (shares[status] is None), (status, total, shares[status])
    parts = [
        shares.get("Arbete"),
        _number(by_type.get("Subventionerad anställning", {}).get("Totalt", "")),
        shares.get("Studier"),
    ]
    for m in _sentences(page, r"^(\S+) av (\S+) \(.*?\) gick till arbete eller studier"):
        assert not _leaks(_recomputed(_number(m.group(1)), parts)), (m.group(0), parts)
        break
    completed = figures["exits"]["outcome_at_exit"]["completed"]
    assert completed.get("subsidised_employment") is None


def test_self_sufficient_sentence_against_the_transition_table(published):
    # Before: "... och 25 av 62 (40 %, ...) efter" (wage or student aid at exit), while
    # the support table's totals show Lön 23 and Studiemedel .. -> 25 - 23 = 2.
    page, _ = published
    table = _table(page, "Försörjning vid start (rader) och Försörjning vid avslut")
    total_row = table["Totalt"]
    parts = [_number(total_row.get("Lön", "")), _number(total_row.get("Studiemedel", ""))]
    for m in _sentences(page, r"egen försörjning \(lön eller studiemedel\) före, och (\S+) av"):
        assert not _leaks(_recomputed(_number(m.group(1)), parts)), (m.group(0), parts)


def test_profile_sentences_give_no_hidden_category(published):
    # "Kön: 20 kvinnor och .. män av 23" -> 3 (issue 15, another cohort): whatever the
    # sentence names must not leave a hidden category as the difference.
    page, _ = published
    for m in _sentences(page, r"Kön: (\S+) kvinnor och (\S+) män av (\S+)\."):
        women, men, total = (_number(g) for g in m.groups())
        assert ".." not in m.group(0), m.group(0)
        assert not _leaks(_recomputed(total, [women, men])), m.group(0)


def test_main_early_exit_reason_gives_no_other_reason(published):
    # "flyttat (5 av 6)" -> the other reasons are 6 - 5 = 1 person.
    page, _ = published
    for m in _sentences(page, r"orsaken till avbrott var .*? \((\S+) av (\S+)\)"):
        count, total = _number(m.group(1)), _number(m.group(2))
        if count is not None and total is not None:
            assert not _leaks(total - count), m.group(0)


# --- shares -----------------------------------------------------------------------------
def test_funnel_shares_of_hidden_counts_are_hidden(published):
    # Before: Klippan, grupp 2 shows Började ".." but "Började / kallade 38 %" of 13
    # invited (and 83 % of 6 at the interview) -> 5 started.
    page, _ = published
    counts = _table(page, "Rekrytering per grupp")
    shares = _table(page, "Andel som gick vidare")
    for group, cells in counts.items():
        if cells["Började"] == "..":
            assert shares[group]["Började / kallade"] == "..", group
            assert shares[group]["Började / kom till intervju"] == "..", group


def test_shares_do_not_reveal_hidden_denominators_or_counts(published):
    # A share shown beside a hidden count, or of a hidden denominator, gives it back
    # (50 % of a shown 6 -> n = 12; 38 % of 13 -> 5). In every table with Antal and
    # Andel columns, a hidden Antal or "Antal deltagare" hides the share.
    page, _ = published
    for table in page.tables:
        header = table["rows"][0] if table["rows"] else []
        if "Andel" not in header or "Antal" not in header:
            continue
        i_count, i_share = header.index("Antal"), header.index("Andel")
        i_n = header.index("Antal deltagare") if "Antal deltagare" in header else None
        for row in table["rows"][1:]:
            hidden = row[i_count] == ".." or (i_n is not None and row[i_n] == "..")
            if hidden:
                assert row[i_share] in ("..", "–"), (table["caption"], row)


# --- manifest ---------------------------------------------------------------------------
@pytest.mark.parametrize("audience", ["namnd", "internal"])
def test_manifest_counts_only_the_rows_of_the_project(tmp_path, audience):
    # A participants file with rows of two projects: the manifest's row count of the
    # whole file minus the report's own participants gives the other project's people.
    # Here 3 rows of "Annat projekt" are added to the 83 of Första steget: an internal
    # manifest must say 83 (the rows used), not 86; a nämnd report's gives no row count
    # of the participants file at all (attack F5: a count of people outside the plan).
    from insats.params import load_parameters
    from insats.run.runner import run_report

    source = REPO / "data" / "sample" / "forsta_steget_deltagare.csv"
    lines = source.read_bytes().decode("cp1252").splitlines()
    others = [line.replace("Första steget", "Annat projekt") for line in lines[1:4]]
    mixed = tmp_path / "deltagare_blandat.csv"
    mixed.write_bytes("\n".join([*lines, *others, ""]).encode("cp1252"))
    params = load_parameters(SAMPLE_PARAMS).model_copy(
        update={"participants_path": str(mixed), "audience": audience}
    )
    result = run_report(params, tmp_path / "report")
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    rows = {name: e.get("rows") for name, e in manifest["inputs"].items()}
    inputs = result.html_path.read_text(encoding="utf-8").split("Indatafiler")[-1][:3000]
    if audience == "internal":
        assert rows["participants"] == 83, rows
    else:
        assert rows["participants"] is None, rows
        assert manifest["inputs"]["participants"]["rows_withheld"] is True
        assert manifest["inputs"]["participants"]["bytes"] is None
        assert not re.search(r"(?<![0-9A-Za-z])83(?![0-9A-Za-z])", inputs)
    # the number 86 as a count, not the digits inside a file's SHA-256
    assert not re.search(r"(?<![0-9A-Za-z])86(?![0-9A-Za-z])", inputs)


# --- the funnel -------------------------------------------------------------------------
def test_one_blank_funnel_cell_keeps_secondary_suppression(tmp_path):
    # Before: one missing figure anywhere in the funnel sent every cell through the
    # primary rule alone. Blank Klippan grupp 6's "Kom till intervju": Började still has
    # "..", for Klippan grupp 1 (4) and grupp 2 (4? 5); the total 83 is shown, so a second
    # cell of Började must be hidden or the hidden one is 83 minus the others.
    from insats.params import load_parameters
    from insats.report.build import build_report

    source = REPO / "data" / "sample" / "forsta_steget_rekrytering.csv"
    lines = source.read_bytes().decode("cp1252").splitlines()
    lines = [
        ";".join(f if i != 6 else "" for i, f in enumerate(line.split(";")))
        if ";6;Klippan;" in line
        else line
        for line in lines
    ]
    funnel = tmp_path / "rekrytering.csv"
    funnel.write_bytes("\n".join([*lines, ""]).encode("cp1252"))
    params = load_parameters(SAMPLE_PARAMS).model_copy(update={"funnel_path": str(funnel)})
    report = build_report(params)
    started = report.figures()["recruitment"]
    values = [b["started"] for b in started["by_group"].values()]
    total = started["total"]["started"]
    hidden = [v for v in values if v is None]
    assert not (total is not None and len(hidden) == 1), (values, total)
