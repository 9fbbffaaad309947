"""The guard that scans every artefact of a shared report before it is written.

Every personnummer below is fictitious: 19121212-1212 is Skatteverket's published test
number ("Tolvan Tolvansson"); the others are made up here and marked where they appear.
"""

from __future__ import annotations

import json

import pytest

from insats.disclosure import (
    DisclosureError,
    find_personnummer,
    guard_outputs,
    is_distinctive_id,
    luhn_ok,
    mask_personnummer,
    scan_artifact,
)

PSEUDONYMS = ["a3f9c2e41b7d5e60", "0b1c2d3e4f5a6b7c"]
IDS = ["P-0012", "P-0013", "17"]

CLEAN_REPORT = """<!DOCTYPE html><html lang="sv"><body>
<h1>Första steget, 2024-T1</h1>
<p>Av 23 deltagare som avslutade insatsen gick 12 till arbete eller studier.</p>
<p>Beviljat 1 460 000 kr; prognos 1 380 000 kr (diarienummer KS 2024/123).</p>
<div class="table-wrap"><table><caption>Utfall efter kön</caption>
<thead><tr><th scope="col"></th><th scope="col">Arbete</th><th scope="col">Totalt</th></tr></thead>
<tbody><tr><th scope="row">Kvinnor</th><td>..</td><td>11</td></tr>
<tr><th scope="row">Män</th><td>..</td><td>12</td></tr></tbody></table></div>
<figure><img src="data:image/png;base64,iVBORw0KGgo19121212121219850101+1234AAAA=" alt="x"></figure>
<p>Period 20240101-20240430, uppdaterad 2024-05-02 kl. 10:15.</p>
</body></html>"""


def scan(text: str, **kwargs):
    return scan_artifact(
        text,
        pseudonyms=PSEUDONYMS,
        participant_ids=IDS,
        min_cell_count=5,
        name="report.html",
        **kwargs,
    )


def test_clean_report_passes():
    assert scan(CLEAN_REPORT, cohort_size=23) == []
    guard_outputs(
        {"report.html": CLEAN_REPORT, "manifest.json": '{"files": 3}'},
        pseudonyms=PSEUDONYMS,
        participant_ids=IDS,
    )


@pytest.mark.parametrize(
    "text",
    [
        "<p>Deltagare 19121212-1212 avbröt.</p>",  # fictitious (Skatteverket test number)
        "<p>Deltagare 121212-1212 avbröt.</p>",  # fictitious, short form
        "<p>Deltagare 121212+1212 avbröt.</p>",  # fictitious, over 100 years old
        "<td>191212121212</td>",  # fictitious, twelve bare digits (Luhn and date pass)
        "<td>1212121212</td>",  # fictitious, ten bare digits
        "<p>Samordningsnummer 19121272-1210</p>",  # fictitious: day 12 + 60
    ],
)
def test_personnummer_is_caught_and_masked(text):
    hits = scan(text)
    assert [h.kind for h in hits] == ["personnummer"]
    assert "1212-1212" not in hits[0].detail and "121212" not in hits[0].detail[4:]


def test_numbers_that_only_look_like_personnummer_are_not_caught():
    assert find_personnummer("191212121213") == []  # fictitious digits, Luhn fails
    assert find_personnummer("19121312-1212") == []  # month 13
    assert find_personnummer("andel 0.191212121212 av") == []  # decimals of a share
    assert find_personnummer("1191212121212") == []  # thirteen digits
    assert find_personnummer("19210229-1234") == []  # 1921 was no leap year
    assert find_personnummer("sha256 e3b0c4191212121212afbf4c8996fb9") == []  # inside hex


def test_pseudonyms_and_distinctive_ids_are_caught():
    html = "<p>Se a3f9c2e41b7d5e60 och P-0013; 17 personer.</p>"
    kinds = sorted(h.kind for h in scan(html))
    assert kinds == ["participant_id", "pseudonym"]  # "17" is too short to look for
    assert all("a3f9c2e41b7d5e60" not in h.detail for h in scan(html))
    assert scan("<p>P-00130 is another id</p>") == []


def test_participant_level_table_is_caught_by_its_header():
    html = (
        "<table><thead><tr><th>Deltagar-ID</th><th>Startdatum</th></tr></thead>"
        "<tbody><tr><td>x</td><td>2024-01-01</td></tr></tbody></table>"
    )
    assert [h.kind for h in scan(html)] == ["participant_table"]


def test_participant_level_table_is_caught_by_its_rows():
    rows = "".join(f"<tr><td>K{i:03d}X</td><td>arbete</td></tr>" for i in range(20))
    html = (
        f"<table><thead><tr><th>Kod</th><th>Utfall</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    assert [h.kind for h in scan(html, cohort_size=20)] == ["participant_table"]
    assert scan(html, cohort_size=25) == []


def test_figures_json_with_small_counts_or_participant_fields_is_caught():
    data = {"outcomes": [{"code": "studies", "count": 3}], "rows": [{"pseudonym": "x"}]}
    hits = scan_artifact(json.dumps(data, indent=1), name="figures.json")
    assert sorted(h.kind for h in hits) == ["participant_table", "small_count"]


def test_guard_lists_every_hit_and_writes_nothing():
    bad_html = CLEAN_REPORT.replace("Kvinnor", "Kvinnor 19121212-1212")  # fictitious
    bad_json = json.dumps({"started": 2, "who": "0b1c2d3e4f5a6b7c"})
    with pytest.raises(DisclosureError) as error:
        guard_outputs(
            {"report.html": bad_html, "figures.json": bad_json.encode()},
            pseudonyms=PSEUDONYMS,
            participant_ids=IDS,
        )
    message = str(error.value)
    assert "3 thing(s)" in message
    assert "report.html, line 7: personnummer 1912****-****" in message  # the Kvinnor row
    assert "figures.json, line 1: small_count $.started" in message
    assert "figures.json, line 1: pseudonym 0b1…" in message
    assert "19121212-1212" not in message and "0b1c2d3e4f5a6b7c" not in message


def test_helpers():
    assert luhn_ok("1212121212") and not luhn_ok("1212121213")  # fictitious digits
    assert mask_personnummer("121212-1212") == "1212**-****"  # fictitious
    assert [is_distinctive_id(t) for t in ("AB12", "ab1", "1234567", "123456", "Andersson")] == [
        True,
        False,
        True,
        False,
        True,
    ]


def test_ids_embedded_in_html_are_caught():
    # Ids touching tags, attributes, entities and punctuation are whole tokens; an id
    # inside a longer word or number is not.
    html = (
        '<table><tr><td>P-0012</td><td data-id="P-0013">x</td></tr></table>'
        "<p>(P-0012)&nbsp;<b>a3f9c2e41b7d5e60</b></p>"
        "<p>XP-0012 P-00123 a3f9c2e41b7d5e601</p>"
    )
    hits = scan(html)
    assert [h.kind for h in hits] == ["participant_id"] * 3 + ["pseudonym"]
    assert [h.detail for h in hits] == ["P-0…"] * 3 + ["a3f…"]


def test_many_ids_are_looked_up_one_by_one():
    # 100 000 ids (the scale that made one regex of all ids slow): the one in the page
    # and only that one is found, on its line, whatever its position in the list.
    ids = [f"D{i:06d}" for i in range(100_000)]
    html = "<p>Start</p>\n<p>" + " ".join(["D1000000", "xD099999", "D099999y"]) + "</p>\n"
    html += '<p><a href="#D054321">D054321</a></p>'
    hits = scan_artifact(html, participant_ids=ids, name="report.html")
    assert [(h.kind, h.line, h.detail) for h in hits] == [
        ("participant_id", 3, "D05…"),
        ("participant_id", 3, "D05…"),
    ]
