"""The evaluator's Markdown: headings to sections, nothing dropped, nothing unsafe."""

from __future__ import annotations

import pytest

from insats.report.labels import Labels
from insats.report.narrative import (
    SECTION_KEYS,
    Narrative,
    NarrativeError,
    load_narrative,
    parse_narrative,
    render_markdown,
)

MESSY = """\
# Första steget – andra tertialen 2021

Skrivet av utvärderaren.

## SYFTE
Att fler unga vuxna går till *arbete* eller studier.

## Mål:
- 50 % i arbete eller studier
- 30 % självförsörjande

## Metod
Coachning i grupp.

## samverkan
Arbetsförmedlingen och kommunen.

## Under perioden
Grupp 5 startade i maj.

## Budgetavvikelse
Prognosen är 12 % under budget: en tjänst var vakant.

## Ovrigt
Inget att tillägga.

## Lokaler och lunch
Nya lokaler i Klippan.

## mal
Delmål: fler kvinnor.
"""


def test_headings_map_to_sections_case_and_diacritics_insensitive() -> None:
    n = parse_narrative(MESSY, source="x.md")
    assert n.title == "Första steget – andra tertialen 2021"
    assert n.sections["purpose"] == "Att fler unga vuxna går till *arbete* eller studier."
    # "## Mål:" and "## mal" are the same section: both texts kept, in order.
    assert n.sections["goals"] == (
        "- 50 % i arbete eller studier\n- 30 % självförsörjande\n\nDelmål: fler kvinnor."
    )
    assert n.sections["method"] == "Coachning i grupp."
    assert n.sections["cooperation"] == "Arbetsförmedlingen och kommunen."
    assert n.sections["period"] == "Grupp 5 startade i maj."
    assert n.sections["budget_deviation"].startswith("Prognosen är 12 %")
    # Text before the first section and "Övrigt" both go to other; nothing dropped.
    assert n.sections["other"] == "Skrivet av utvärderaren.\n\nInget att tillägga."
    assert n.extra == (("Lokaler och lunch", "Nya lokaler i Klippan."),)


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Purpose", "purpose"),
        ("GOALS", "goals"),
        ("Method", "method"),
        ("Cooperation", "cooperation"),
        ("This period", "period"),
        ("Budget deviation", "budget_deviation"),
        ("Other", "other"),
        ("Övrigt", "other"),
        ("under  perioden", "period"),
        ("Budget-avvikelse", None),  # not a known spelling: kept under other, not lost
    ],
)
def test_english_and_odd_headings(heading: str, key: str | None) -> None:
    n = parse_narrative(f"## {heading}\nText.")
    if key is None:
        assert n.extra == ((heading, "Text."),)
        assert n.has("other")
    else:
        assert n.sections[key] == "Text."


def test_unknown_heading_rendered_under_other_with_its_words() -> None:
    n = parse_narrative("## Övrigt\nA.\n\n## Lokaler <b>\nB.")
    html = n.section_html("other")
    assert html == ('<div class="narrative"><p>A.</p><h3>Lokaler &lt;b&gt;</h3><p>B.</p></div>')


def test_heading_inside_code_block_is_not_a_section() -> None:
    n = parse_narrative("## Metod\n```\n## Syfte\n```\nEfter.")
    assert "purpose" not in n.sections
    assert n.sections["method"] == "```\n## Syfte\n```\nEfter."


def test_no_raw_html_or_scripts_pass() -> None:
    text = (
        "Hej <script>alert(1)</script> <b onclick='x()'>fet</b>\n\n"
        "<iframe src='https://evil.example'></iframe>\n\n"
        "[klick](javascript:alert(1)) [data](data:text/html,x)"
    )
    html = str(render_markdown(text))
    assert "<script" not in html and "<iframe" not in html and "<b" not in html
    assert "&lt;script&gt;" in html  # shown as text, so the reader sees what was written
    assert "href" not in html  # neither javascript: nor data: becomes a link


def test_images_become_their_alt_text() -> None:
    html = str(render_markdown("Se ![karta över Klippan](https://maps.example/k.png) här."))
    assert html == "<p>Se karta över Klippan här.</p>"


def test_links_allowed_only_http_https_mailto_and_marked() -> None:
    html = str(render_markdown("[SCB](https://www.scb.se) och [mejl](mailto:a@example.se)"))
    assert '<a href="https://www.scb.se" rel="noopener noreferrer nofollow">SCB</a>' in html
    assert 'href="mailto:a@example.se"' in html


def test_heading_levels_shift_below_the_report_headings() -> None:
    html = str(render_markdown("# Stor\n\n### Mindre\n\ntext", top_level=4))
    assert "<h4>Stor</h4>" in html and "<h6>Mindre</h6>" in html
    assert "<h1>" not in html and "<h2>" not in html


def test_no_file_named_gives_empty_narrative() -> None:
    n = load_narrative(None)
    assert n.is_empty
    for key in SECTION_KEYS:
        assert not n.has(key)
        assert n.section_html(key) == ""


def test_named_file_missing_is_an_error_naming_it(tmp_path) -> None:
    missing = tmp_path / "berattelse_2021-T2.md"
    with pytest.raises(NarrativeError, match="berattelse_2021-T2.md: narrative file not found"):
        load_narrative(missing)


def test_reads_utf8_bom_and_cp1252(tmp_path) -> None:
    utf8 = tmp_path / "a.md"
    utf8.write_bytes("\ufeff## Syfte\nÅtgärder för unga.".encode())
    cp1252 = tmp_path / "b.md"
    cp1252.write_bytes("## Övrigt\nÅtgärder för unga.".encode("cp1252"))
    assert load_narrative(utf8).sections == {"purpose": "Åtgärder för unga."}
    loaded = load_narrative(cp1252)
    assert loaded.sections == {"other": "Åtgärder för unga."}
    assert loaded.source == "b.md"  # the name only: no folders in outputs


def test_unknown_section_key_is_an_error() -> None:
    with pytest.raises(KeyError, match="unknown narrative section 'syfte'"):
        Narrative().section_html("syfte")


def test_every_section_key_has_a_heading_label() -> None:
    for language in ("sv", "en"):
        labels = Labels(language)
        for key in SECTION_KEYS:
            assert labels(f"report.narrative.{key}")
