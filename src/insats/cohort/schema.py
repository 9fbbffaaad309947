"""The data contract: canonical columns, their Swedish aliases, and code vocabularies.

One row per participant and insats. Headers and codes in exports are matched
case-, whitespace- and diacritics-insensitively (see :func:`normalise_token`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


def normalise_token(value: str) -> str:
    """Fold a header or code for matching: lower case, no diacritics, single spaces.

    Hyphens and underscores count as spaces, so ``"Deltagar-ID"``, ``"deltagar id"``
    and ``"deltagar_id"`` all match.

    >>> normalise_token("  Försörjning  VID start ")
    'forsorjning vid start'
    >>> normalise_token("Status efter 6 mån")
    'status efter 6 man'
    """
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("_", " ").replace("-", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


# --- code vocabularies -------------------------------------------------------------
# canonical code -> Swedish words (and abbreviations) that exports use for it.
GENDER: dict[str, tuple[str, ...]] = {
    "woman": ("kvinna", "k", "kvinnor", "female", "f"),
    "man": ("man", "m", "män", "male"),
    "other": ("annat", "annan"),
    "unknown": ("okänt", "okand", "uppgift saknas", ""),
}
EDUCATION: dict[str, tuple[str, ...]] = {
    "primary": ("förgymnasial", "grundskola", "förgymnasial utbildning"),
    "secondary": ("gymnasial", "gymnasium", "gymnasial utbildning"),
    "tertiary_short": ("eftergymnasial mindre än 3 år", "eftergymnasial kortare än 3 år"),
    "tertiary": ("eftergymnasial 3 år eller mer", "eftergymnasial 3 år eller längre", "högskola"),
    "unknown": ("okänt", "uppgift saknas", ""),
}
REFERRAL: dict[str, tuple[str, ...]] = {
    "employment_service": ("arbetsförmedlingen", "af"),
    "municipality": ("kommunen", "ame", "sfi", "kommun"),
    "social_services": ("socialtjänsten", "socialförvaltningen"),
    "social_insurance": ("försäkringskassan", "fk"),
    "healthcare": ("regionen", "vården", "region"),
    "self": ("egen", "egen anmälan"),
    "other": ("annan", "annat", "övrigt"),
    "unknown": ("okänt", ""),
}
SUPPORT: dict[str, tuple[str, ...]] = {
    "social_assistance": ("försörjningsstöd", "ekonomiskt bistånd"),
    "establishment_allowance": ("etableringsersättning",),
    "activity_support": ("aktivitetsstöd",),
    "unemployment_benefit": ("a-kassa", "arbetslöshetsersättning"),
    "sickness_benefit": ("sjukpenning", "aktivitetsersättning", "sjukersättning"),
    "wage": ("lön", "förvärvsinkomst"),
    "student_aid": ("studiemedel", "csn"),
    "none": ("ingen", "ingen ersättning"),
    "unknown": ("okänt", ""),
}
OUTCOME: dict[str, tuple[str, ...]] = {
    "employment": ("arbete", "anställning", "osubventionerad anställning"),
    "subsidised_employment": (
        "extratjänst",
        "nystartsjobb",
        "lönebidrag",
        "subventionerad anställning",
    ),
    "studies": ("studier", "utbildning"),
    "work_practice": ("praktik",),
    "job_seeking": ("arbetssökande", "öppet arbetssökande"),
    "other_programme": ("annan insats",),
    "inactive": ("föräldraledig", "sjukskriven", "ej i arbetskraften"),
    "unknown": ("okänt", ""),
}
EXIT_REASON: dict[str, tuple[str, ...]] = {
    "completed": ("fullföljt", "fullföljd", "avslutad enligt plan"),
    "employment": ("arbete", "fick arbete"),
    "studies": ("studier",),
    "moved": ("flytt", "flyttat"),
    "social_reasons": ("sociala skäl",),
    "health": ("sjukdom", "ohälsa"),
    "parental_leave": ("föräldraledighet", "föräldraledig"),
    "other_programme": ("annan insats",),
    "other": ("annat", "annan orsak"),
    "unknown": ("okänt",),
}
# SUS's words for avslutsanledning (Försäkringskassan's follow-up system for
# samordningsförbund), added to the codes above. "Felregistrering" closes a participation
# registered by mistake: such rows are left out of every count (see validate.py).
SUS_EXIT_REASON: dict[str, tuple[str, ...]] = {
    "completed": (
        "planerat avslut",
        "insatsen avslutad",
        "insatsen avslutad enligt plan",
        "avslutad enligt planering",
        "målet uppnått",
    ),
    "employment": ("arbete/egen försörjning", "förvärvsarbete", "anställning", "eget företag"),
    "studies": ("utbildning", "studier/utbildning"),
    "moved": ("flyttat från kommunen", "flytt från området"),
    "health": ("sjukskrivning", "sjukdom/ohälsa"),
    "other_programme": (
        "annan insats/aktivitet",
        "annan aktör",
        "åter till ordinarie handläggning",
        "överförd till annan insats",
    ),
    "other": ("avbrott", "eget avbrott", "avbrutit", "avliden", "ej kontakt", "utebliven"),
    "registration_error": ("felregistrering", "felregistrerad", "registreringsfel"),
}
for _code, _words in SUS_EXIT_REASON.items():
    EXIT_REASON[_code] = (*EXIT_REASON.get(_code, ()), *_words)
# "unknown" stays the last code (report order).
EXIT_REASON["unknown"] = EXIT_REASON.pop("unknown")
REGISTRATION_ERROR = "registration_error"

# Sysselsättning före / efter, as SUS registers it at in- and utregistrering.
ACTIVITY: dict[str, tuple[str, ...]] = {
    "work": ("arbete", "förvärvsarbete", "anställning", "eget företag", "osubventionerat arbete"),
    "subsidised_work": (
        "subventionerad anställning",
        "subventionerat arbete",
        "lönebidrag",
        "nystartsjobb",
        "extratjänst",
        "trygghetsanställning",
    ),
    "studies": ("studier", "utbildning", "sfi"),
    "job_seeking": ("arbetssökande", "aktivt arbetssökande", "öppet arbetssökande"),
    "programme": ("arbetsmarknadspolitiskt program", "program", "insats", "praktik"),
    "sick_leave": ("sjukskriven", "sjukskrivning"),
    "parental_leave": ("föräldraledig", "föräldraledighet"),
    "other": ("övrigt", "annat", "ingen sysselsättning", "övriga"),
    "unknown": ("okänt", "uppgift saknas", ""),
}

# SUS's försörjningskällor, as aliases of the support codes above.
SUS_SUPPORT: dict[str, tuple[str, ...]] = {
    "social_assistance": ("ekonomiskt bistånd/försörjningsstöd", "fbs"),
    "establishment_allowance": ("etableringsersättning från af",),
    "activity_support": ("aktivitetsstöd/utvecklingsersättning", "utvecklingsersättning"),
    "unemployment_benefit": ("arbetslöshetskassa", "a kassa"),
    "sickness_benefit": (
        "sjukpenning/rehabiliteringspenning",
        "rehabiliteringspenning",
        "sjukersättning/aktivitetsersättning",
    ),
    "wage": ("lön/inkomst av arbete", "arbetsinkomst", "eget företag"),
    "student_aid": ("studiemedel/csn", "studiestöd"),
    "none": ("ingen försörjning", "saknar försörjning", "anhöriga", "försörjs av anhöriga"),
}
for _code, _words in SUS_SUPPORT.items():
    SUPPORT[_code] = (*SUPPORT[_code], *_words)
del _code, _words

# When a cell lists several försörjningskällor (SUS lets several be ticked), the main
# support is the first of them in this order: any försörjningsstöd first (the
# municipality's cost, and Socialstyrelsen counts a household with any ekonomiskt bistånd
# as receiving it), then the state's allowances, then what would make a person
# self-sufficient (so "lön och försörjningsstöd" is *not* egen försörjning).
SUPPORT_PRIORITY: tuple[str, ...] = (
    "social_assistance",
    "establishment_allowance",
    "activity_support",
    "sickness_benefit",
    "unemployment_benefit",
    "wage",
    "student_aid",
    "none",
    "unknown",
)
# Separators of several codes in one cell: , ; / and the word "och".
MULTI_CODE_SEPARATORS = r"\s*[,;/]\s*|\s+och\s+"

# Outcome groupings used throughout the reports.
WORK_OR_STUDIES = ("employment", "subsidised_employment", "studies")
SELF_SUFFICIENT_SUPPORT = ("wage", "student_aid")


@dataclass(frozen=True)
class Column:
    """One canonical column of a table in the data contract."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text | code | date | int | amount | personnummer | period
    codes: dict[str, tuple[str, ...]] | None = None
    required: bool = False
    # Not required after all when the file has this column (participant_id: personnummer).
    required_unless: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    description: str = ""

    def matches(self) -> set[str]:
        """All normalised header spellings accepted for this column."""
        return {normalise_token(self.name)} | {normalise_token(a) for a in self.aliases}


@dataclass(frozen=True)
class TableSchema:
    """A table of the data contract: its columns and row identity."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


PARTICIPANTS = TableSchema(
    name="participants",
    key=("participant_id", "project"),
    columns=(
        Column(
            "participant_id",
            ("deltagar-id", "deltagarid", "id"),
            required=True,
            required_unless="personnummer",
            description="The export's own participant identifier (never a personnummer); "
            "required only when there is no personnummer column (then the pseudonym is the "
            "identity).",
        ),
        Column(
            "personnummer",
            ("personnummer", "pnr", "personnr"),
            kind="personnummer",
            description="Replaced at ingestion by a keyed pseudonym; never kept.",
        ),
        Column("project", ("insats", "projekt"), required=True),
        Column("group", ("grupp", "intag"), required=True),
        Column("municipality", ("kommun",)),
        Column("gender", ("kön", "kon"), kind="code", codes=GENDER),
        Column("birth_year", ("födelseår",), kind="int", min_value=1900, max_value=2100),
        Column("birth_region", ("födelseregion",)),
        Column("education", ("utbildningsnivå", "utbildning"), kind="code", codes=EDUCATION),
        Column("swedish_level", ("sfi-nivå", "svenskanivå", "sfi nivå")),
        Column("referral", ("remittent",), kind="code", codes=REFERRAL),
        Column(
            "support_at_start",
            (
                "försörjning vid start",
                "försörjningskälla före",
                "försörjningskällor före",
                "försörjning före",
            ),
            kind="code",
            codes=SUPPORT,
        ),
        Column("start_date", ("startdatum", "inskrivningsdatum"), kind="date", required=True),
        Column("end_date", ("slutdatum", "avslutsdatum", "utskrivningsdatum"), kind="date"),
        Column("exit_reason", ("avslutsorsak", "avslutsanledning"), kind="code", codes=EXIT_REASON),
        Column("outcome_at_exit", ("status vid avslut",), kind="code", codes=OUTCOME),
        Column(
            "support_at_exit",
            (
                "försörjning vid avslut",
                "försörjningskälla efter",
                "försörjningskällor efter",
                "försörjning efter",
            ),
            kind="code",
            codes=SUPPORT,
        ),
        Column(
            "outcome_6m",
            ("status efter 6 mån", "status efter 6 månader"),
            kind="code",
            codes=OUTCOME,
        ),
        Column(
            "outcome_12m",
            ("status efter 12 mån", "status efter 12 månader"),
            kind="code",
            codes=OUTCOME,
        ),
        Column(
            "support_6m",
            ("försörjning efter 6 mån", "försörjning efter 6 månader"),
            kind="code",
            codes=SUPPORT,
        ),
        Column(
            "support_12m",
            ("försörjning efter 12 mån", "försörjning efter 12 månader"),
            kind="code",
            codes=SUPPORT,
        ),
        Column(
            "self_assessment_start",
            ("självskattning start",),
            kind="int",
            min_value=1,
            max_value=10,
        ),
        Column(
            "self_assessment_end",
            ("självskattning avslut", "självskattning slut"),
            kind="int",
            min_value=1,
            max_value=10,
        ),
        Column(
            "work_extent",
            ("omfattning", "arbetsomfattning", "sysselsättningsgrad"),
            kind="extent",
            description="Extent of the work after the insats as a share of full time: "
            "heltid = 1.0, deltid = 0.5 (assumption), '75 %' or '75' = 0.75; blank = "
            "unknown (the account then assumes full time and says so).",
        ),
        # SUS: sysselsättning at in- and utregistrering (issue 11).
        Column(
            "activity_before",
            ("sysselsättning före", "sysselsättning vid start", "sysselsättning vid inskrivning"),
            kind="code",
            codes=ACTIVITY,
        ),
        Column(
            "activity_after",
            ("sysselsättning efter", "sysselsättning vid avslut", "sysselsättning vid utskrivning"),
            kind="code",
            codes=ACTIVITY,
        ),
    ),
)

# Words for the extent of work (SUS registers omfattning heltid/deltid). Deltid without
# a percentage is taken as half time: an assumption, said in the account's method text.
WORK_EXTENT_WORDS: dict[str, float] = {"heltid": 1.0, "deltid": 0.5}
PART_TIME_ASSUMED_SHARE = 0.5


def parse_work_extent(value: object) -> float | None:
    """Read an extent of work as a share of full time; None when blank; raise ValueError.

    >>> [parse_work_extent(v) for v in ("heltid", "Deltid", "75 %", "75", "0,5", "100%", "")]
    [1.0, 0.5, 0.75, 0.75, 0.5, 1.0, None]
    """
    text = normalise_token("" if value is None else str(value))
    if text in ("", "nan", "none", "<na>"):
        return None
    if text in WORK_EXTENT_WORDS:
        return WORK_EXTENT_WORDS[text]
    number = text.replace("%", "").replace("procent", "").replace(",", ".").strip()
    try:
        share = float(number)
    except ValueError:
        raise ValueError(text) from None
    if share > 1.0 or "%" in text or "procent" in text:
        share /= 100.0
    if not 0.0 < share <= 1.0:
        raise ValueError(text)
    return share


FINANCE = TableSchema(
    name="finance",
    key=("project", "funder", "period"),
    columns=(
        Column("project", ("insats", "projekt"), required=True),
        Column("funder", ("kommun", "finansiär", "municipality", "huvudman"), required=True),
        Column("period", ("period", "tertial", "år"), kind="period", required=True),
        Column(
            "granted_sek",
            ("beviljade medel", "reviderade beviljade medel", "beviljat"),
            kind="amount",
            required=True,
            min_value=0,
        ),
        Column(
            "invoiced_sek",
            ("fakturerade kostnader", "fakturerat"),
            kind="amount",
            required=True,
            min_value=0,
        ),
        Column("forecast_sek", ("prognos", "prognos för året"), kind="amount", min_value=0),
    ),
)

FUNNEL = TableSchema(
    name="funnel",
    key=("project", "municipality", "group"),
    columns=(
        Column("project", ("insats", "projekt"), required=True),
        Column("group", ("grupp", "intag"), required=True),
        Column("municipality", ("kommun",)),
        Column(
            "invited",
            ("kallade till information", "kallade till information på af", "kallade"),
            kind="int",
            required=True,
            min_value=0,
        ),
        Column(
            "attended_info",
            ("kom till information", "kom till information på af"),
            kind="int",
            min_value=0,
        ),
        Column(
            "booked_interview",
            ("bokar intervjutid", "bokade intervjutid", "bokad intervju"),
            kind="int",
            min_value=0,
        ),
        Column("attended_interview", ("kom till intervju",), kind="int", min_value=0),
        Column("started", ("började", "startade", "antal"), kind="int", required=True, min_value=0),
    ),
)

FUNNEL_STEPS = ("invited", "attended_info", "booked_interview", "attended_interview", "started")
