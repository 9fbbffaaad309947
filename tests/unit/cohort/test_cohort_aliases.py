"""Every header alias and code alias of the schema maps where it should.

The cases are generated from the schema tables, so an alias added to schema.py is
tested automatically. The aliases the issue names are listed again by hand: they are
the contract and must not disappear from the schema.
"""

from __future__ import annotations

import pandas as pd
import pytest

from insats.cohort.read import SCHEMAS, code_lookup, detect_kind, map_codes, match_headers
from insats.cohort.schema import (
    EDUCATION,
    EXIT_REASON,
    GENDER,
    OUTCOME,
    REFERRAL,
    SUPPORT,
    normalise_token,
)

HEADER_CASES = [
    (kind, col.name, spelling)
    for kind, schema in SCHEMAS.items()
    for col in schema.columns
    for spelling in (col.name, *col.aliases)
]

VOCABULARIES = {
    "gender": GENDER,
    "education": EDUCATION,
    "referral": REFERRAL,
    "support": SUPPORT,
    "outcome": OUTCOME,
    "exit_reason": EXIT_REASON,
}
CODE_CASES = [
    (vocab, code, alias)
    for vocab, table in VOCABULARIES.items()
    for code, aliases in table.items()
    for alias in (code, *aliases)
    if alias.strip()
]


def _variants(text: str) -> list[str]:
    """The spelling as is, upper case, padded with odd spaces, and without diacritics."""
    plain = text.replace("å", "a").replace("ä", "a").replace("ö", "o")
    plain = plain.replace("Å", "A").replace("Ä", "A").replace("Ö", "O")
    return [text, text.upper(), f"  {text.replace(' ', '  ')}\u00a0", plain, text.title()]


@pytest.mark.parametrize(("kind", "name", "spelling"), HEADER_CASES)
def test_every_header_alias_maps_to_its_column(kind, name, spelling):
    schema = SCHEMAS[kind]
    for variant in _variants(spelling):
        match = match_headers(["something else", variant], schema)
        assert match.columns == {name: 1}, variant
        assert match.unknown == [0]


@pytest.mark.parametrize(("vocab", "code", "alias"), CODE_CASES)
def test_every_code_alias_maps_to_its_code(vocab, code, alias):
    values = pd.Series(_variants(alias))
    codes, bad = map_codes(values, VOCABULARIES[vocab])
    assert codes.tolist() == [code] * len(values)
    assert not bad.any()


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_no_header_spelling_is_claimed_by_two_columns(kind):
    owner: dict[str, str] = {}
    for col in SCHEMAS[kind].columns:
        for spelling in col.matches():
            assert owner.setdefault(spelling, col.name) == col.name, spelling


@pytest.mark.parametrize("vocab", list(VOCABULARIES))
def test_no_code_alias_is_claimed_by_two_codes(vocab):
    owner: dict[str, str] = {}
    for code, aliases in VOCABULARIES[vocab].items():
        for alias in (code, *aliases):
            key = normalise_token(alias)
            if key:
                assert owner.setdefault(key, code) == code, alias
    assert set(code_lookup(VOCABULARIES[vocab]).values()) == set(VOCABULARIES[vocab])


# The aliases the issue names (issue 2, "Data contract"). Hand-written on purpose.
ISSUE_HEADERS = {
    "participant_id": "deltagar-id", "personnummer": ["personnummer", "pnr"],
    "project": "insats", "group": "grupp", "municipality": "kommun", "gender": "kön",
    "birth_year": "födelseår", "birth_region": "födelseregion",
    "education": "utbildningsnivå", "swedish_level": "sfi-nivå", "referral": "remittent",
    "support_at_start": "försörjning vid start", "start_date": "startdatum",
    "end_date": "slutdatum", "exit_reason": "avslutsorsak",
    "outcome_at_exit": "status vid avslut", "support_at_exit": "försörjning vid avslut",
    "outcome_6m": "status efter 6 mån", "outcome_12m": "status efter 12 mån",
    "self_assessment_start": "självskattning start", "self_assessment_end": "självskattning avslut",
}  # fmt: skip
ISSUE_CODES = {
    "gender": {"woman": ["kvinna", "k"], "man": ["man", "m"], "other": ["annat"],
               "unknown": ["okänt"]},
    "education": {"primary": ["förgymnasial"], "secondary": ["gymnasial"],
                  "tertiary_short": ["eftergymnasial mindre än 3 år"],
                  "tertiary": ["eftergymnasial 3 år eller mer"], "unknown": ["unknown"]},
    "referral": {"employment_service": ["arbetsförmedlingen", "af"],
                 "municipality": ["kommunen", "ame", "sfi"],
                 "social_services": ["socialtjänsten"],
                 "social_insurance": ["försäkringskassan", "fk"],
                 "healthcare": ["regionen", "vården"], "self": ["egen"], "other": ["other"]},
    "support": {"social_assistance": ["försörjningsstöd", "ekonomiskt bistånd"],
                "establishment_allowance": ["etableringsersättning"],
                "activity_support": ["aktivitetsstöd"], "unemployment_benefit": ["a-kassa"],
                "sickness_benefit": ["sjukpenning", "aktivitetsersättning", "sjukersättning"],
                "wage": ["lön"], "student_aid": ["studiemedel", "csn"], "none": ["ingen"],
                "unknown": ["okänt"]},
    "outcome": {"employment": ["arbete", "anställning"],
                "subsidised_employment": ["extratjänst", "nystartsjobb", "lönebidrag",
                                          "subventionerad anställning"],
                "studies": ["studier", "utbildning"], "work_practice": ["praktik"],
                "job_seeking": ["arbetssökande", "öppet arbetssökande"],
                "other_programme": ["annan insats"],
                "inactive": ["föräldraledig", "sjukskriven", "ej i arbetskraften"],
                "unknown": ["okänt"]},
    "exit_reason": {"completed": ["fullföljt"], "employment": ["arbete", "fick arbete"],
                    "studies": ["studies"], "moved": ["flytt", "flyttat"],
                    "social_reasons": ["sociala skäl"], "health": ["sjukdom"],
                    "parental_leave": ["föräldraledighet"],
                    "other_programme": ["other_programme"], "other": ["annat"],
                    "unknown": ["unknown"]},
}  # fmt: skip
ISSUE_FINANCE = {
    "granted_sek": "beviljade medel",
    "invoiced_sek": "fakturerade kostnader",
    "forecast_sek": "prognos",
    "funder": "kommun",
}
# seed 003, Bilaga 1
ISSUE_FUNNEL = {
    "invited": "Kallade till information på AF",
    "attended_info": "Kom till information på AF",
    "booked_interview": "Bokar intervjutid",
    "attended_interview": "Kom till intervju",
    "group": "Grupp",
}


@pytest.mark.parametrize(
    ("kind", "name", "header"),
    [("participants", n, h) for n, hs in ISSUE_HEADERS.items()
     for h in ([hs] if isinstance(hs, str) else hs)]
    + [("finance", n, h) for n, h in ISSUE_FINANCE.items()]
    + [("funnel", n, h) for n, h in ISSUE_FUNNEL.items()],
)  # fmt: skip
def test_issue_headers_are_accepted(kind, name, header):
    assert match_headers([header], SCHEMAS[kind]).columns == {name: 0}


@pytest.mark.parametrize(
    ("vocab", "code", "word"),
    [(v, c, w) for v, codes in ISSUE_CODES.items() for c, words in codes.items() for w in words],
)
def test_issue_codes_are_accepted(vocab, code, word):
    codes, bad = map_codes(pd.Series([word, word.upper()]), VOCABULARIES[vocab])
    assert codes.tolist() == [code, code] and not bad.any()


def test_header_with_note_in_brackets_and_trailing_punctuation():
    match = match_headers(
        ["Självskattning start (1–10)", "Kön:", "Personnr."], SCHEMAS["participants"]
    )
    assert match.columns == {"self_assessment_start": 0, "gender": 1, "personnummer": 2}


def test_unknown_words_are_flagged_not_guessed():
    codes, bad = map_codes(pd.Series(["kvnna", "kvinna", "", "woman "]), GENDER)
    assert codes.isna().tolist() == [True, False, True, False]
    assert bad.tolist() == [True, False, False, False]  # blank is not "bad": the column decides


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["Deltagar-ID", "Kön", "Startdatum"], "participants"),
        (["Insats", "Kommun", "Period", "Beviljade medel", "Fakturerade kostnader"], "finance"),
        (["Insats", "Grupp", "Kallade till information", "Började"], "funnel"),
        (["Namn", "Adress"], None),
    ],
)
def test_detect_kind(header, kind):
    assert detect_kind(header) == kind
