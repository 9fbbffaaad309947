"""Schemas of the activities and product-goals tables (see :mod:`insats.cohort.activities`).

Kept apart from the validation so that :mod:`insats.cohort.read` can know the tables
without importing the validation code.
"""

from __future__ import annotations

from insats.cohort.schema import Column, TableSchema

# --- code vocabularies -------------------------------------------------------------
ACTIVITY_KIND: dict[str, tuple[str, ...]] = {
    "workshop": ("workshop", "workshops", "verkstad"),
    "training": ("utbildning", "kurs", "utbildningstillfälle"),
    "meeting": ("möte", "träff", "sammankomst"),
    "information_meeting": ("informationsträff", "informationsmöte", "information"),
    "mapping": ("kartläggning", "kartläggningsmöte", "aktörsmöte"),
    "working_group": ("arbetsgrupp", "arbetsgruppsmöte"),
    "steering_group": ("styrgrupp", "styrgruppsmöte"),
    "pilot": ("pilot", "pilotprojekt", "test", "pilotverksamhet"),
    "conference": ("konferens", "seminarium"),
    "network_meeting": ("nätverksträff", "nätverksmöte", "nätverk"),
    "study_visit": ("studiebesök",),
    "other": ("annat", "övrigt", "annan aktivitet"),
}
GOAL_KIND: dict[str, tuple[str, ...]] = {
    "effect": ("effektmål", "effekt"),
    "product": ("produktmål", "produkt"),
    "delivery": ("leveransmål", "leverans"),
}
GOAL_STATUS: dict[str, tuple[str, ...]] = {
    "not_started": ("ej påbörjat", "ej påbörjad", "inte påbörjat", "ej startat"),
    "in_progress": ("pågår", "pågående", "påbörjat", "delvis uppnått"),
    "achieved": ("uppnått", "uppnådd", "klart", "genomfört"),
    "not_achieved": ("ej uppnått", "ej uppnådd", "inte uppnått"),
}

ACTIVITIES = TableSchema(
    name="activities",
    key=("project", "activity", "date"),
    columns=(
        Column("project", ("insats", "projekt"), required=True),
        Column(
            "activity",
            ("aktivitet", "aktivitetens namn", "benämning", "rubrik"),
            required=True,
            description="What was done, e.g. 'Workshop Bäckby'.",
        ),
        Column(
            "kind",
            ("typ", "aktivitetstyp", "slag", "form"),
            kind="code",
            codes=ACTIVITY_KIND,
            required=True,
        ),
        Column("date", ("datum", "dag", "aktivitetsdatum"), kind="date", required=True),
        Column("phase", ("fas", "projektfas"), description="The project phase, e.g. 'Fas 3'."),
        Column(
            "attendees",
            ("antal deltagare", "deltagare", "närvarande", "antal närvarande", "antal"),
            kind="int",
            min_value=0,
            description="People attending (blank: not counted, e.g. a desk activity).",
        ),
        Column("women", ("kvinnor", "antal kvinnor"), kind="int", min_value=0),
        Column("men", ("män", "antal män"), kind="int", min_value=0),
        Column(
            "organisations",
            ("organisationer", "antal organisationer", "aktörer", "antal aktörer"),
            kind="int",
            min_value=0,
        ),
        Column("municipality", ("kommun",)),
        Column("note", ("kommentar", "anteckning", "notering", "not")),
    ),
)

PRODUCT_GOALS = TableSchema(
    name="product_goals",
    key=("project", "goal"),
    columns=(
        Column("project", ("insats", "projekt"), required=True),
        Column("goal", ("mål", "måltext", "målet", "beskrivning"), required=True),
        Column(
            "kind", ("måltyp", "typ av mål", "typ"), kind="code", codes=GOAL_KIND, required=True
        ),
        Column(
            "status",
            ("status", "läge", "måluppfyllelse"),
            kind="code",
            codes=GOAL_STATUS,
            required=True,
        ),  # fmt: skip
        Column(
            "target_date",
            ("måldatum", "klart senast", "slutdatum", "datum"),
            kind="date",
            description="When the goal is to be met; may lie in the future.",
        ),
        Column("evidence", ("belägg", "underlag", "kommentar", "evidens", "redovisning")),
        Column("indicator", ("indikator", "mått", "mätbarhet", "mätetal")),
        Column(
            "indicator_target",
            ("målvärde", "indikatorns mål", "mål för indikatorn"),
            description="The indicator's target, e.g. '≥ 100' (a plain number means ≥).",
        ),
        Column(
            "indicator_value",
            ("utfall", "uppnått värde", "värde", "resultat"),
            kind="int",
            min_value=0,
        ),
    ),
)
