"""The evaluator's own words: a Markdown file whose level-2 headings name report sections.

The seeds' reports are half narrative (syfte, mål, metod, samverkan, what happened this
period, övrigt, why the budget deviates). One Markdown file per project and period,
named in the parameters (``narrative_path``), supplies these texts::

    # Första steget, andra tertialen 2021     <- title, not shown

    ## Syfte
    Att fler unga vuxna ...

    ## Under perioden
    Grupp 5 startade i maj ...

Headings are matched case- and diacritics-insensitively in Swedish or English
(``## Mål`` = ``## goals``). A heading the report does not know is kept, with its own
words, under "other": nothing the evaluator wrote is dropped.

Rendering is safe: Markdown is parsed with raw HTML switched off, images become their
alt text (an image would be a network request), and the result is sanitised by nh3 to a
short list of tags, with links restricted to http, https and mailto.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nh3
from markdown_it import MarkdownIt

from insats.cohort.schema import normalise_token
from insats.errors import InsatsError
from insats.report.context import Html, escape

SECTION_KEYS = (
    "purpose",
    "goals",
    "method",
    "cooperation",
    "period",
    "budget_deviation",
    "other",
)

# heading words (folded by normalise_token) -> section key
HEADING_ALIASES: dict[str, str] = {
    normalise_token(word): key
    for key, words in {
        "purpose": ("syfte", "purpose", "insatsens syfte", "aim"),
        "goals": ("mål", "målen", "goals", "goal", "mål och delmål", "objectives"),
        "method": ("metod", "metoder", "method", "methods", "arbetssätt", "genomförande"),
        "cooperation": ("samverkan", "samarbete", "cooperation", "co-operation", "collaboration"),
        "period": (
            "under perioden",
            "perioden",
            "this period",
            "during the period",
            "the period",
            "händelser under perioden",
        ),
        "budget_deviation": (
            "budgetavvikelse",
            "budgetavvikelser",
            "avvikelse från budget",
            "budget deviation",
            "budget variance",
        ),
        "other": ("övrigt", "other", "others", "övriga kommentarer"),
    }.items()
    for word in words
}

ALLOWED_TAGS = {
    "p", "em", "strong", "ul", "ol", "li", "a", "br", "h3", "h4", "h5", "h6",
    "blockquote", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


class NarrativeError(InsatsError, ValueError):
    """A narrative file that was named but cannot be read."""


@dataclass(frozen=True)
class Narrative:
    """The evaluator's texts by section key, as Markdown.

    Attributes:
        sections: section key -> Markdown text (several headings with one key joined).
        extra: (heading, Markdown) pairs for headings the report does not know; they are
            shown under "other" with their own heading.
        title: the level-1 heading of the file, if any (not shown in the report).
        source: the file name the texts came from (no folder: outputs hold no paths).
    """

    sections: dict[str, str] = field(default_factory=dict)
    extra: tuple[tuple[str, str], ...] = ()
    title: str | None = None
    source: str | None = None

    @property
    def is_empty(self) -> bool:
        return not any(t.strip() for t in self.sections.values()) and not self.extra

    def has(self, key: str) -> bool:
        """True when the section has text (for "other": also unknown headings)."""
        _check_key(key)
        if key == "other" and self.extra:
            return True
        return bool(self.sections.get(key, "").strip())

    def markdown(self, key: str) -> str:
        """The section's Markdown text ('' when absent)."""
        _check_key(key)
        return self.sections.get(key, "")

    def section_html(self, key: str, *, heading_level: int = 3) -> Html:
        """The section's text as safe HTML, in a ``<div class="narrative">``; '' if absent.

        Args:
            key: one of :data:`SECTION_KEYS`.
            heading_level: level for the headings of unknown sections under "other";
                headings inside the text start one level below (never above h3).
        """
        _check_key(key)
        level = min(max(heading_level, 3), 5)
        parts: list[str] = []
        text = self.sections.get(key, "")
        if text.strip():
            parts.append(render_markdown(text, top_level=level + 1))
        if key == "other":
            for heading, body in self.extra:
                parts.append(f"<h{level}>{escape(heading)}</h{level}>")
                if body.strip():
                    parts.append(render_markdown(body, top_level=level + 1))
        if not parts:
            return Html("")
        return Html('<div class="narrative">' + "".join(parts) + "</div>")


def load_narrative(path: str | Path | None) -> Narrative:
    """Read the evaluator's Markdown file; ``None`` (no file named) gives an empty one.

    Args:
        path: the file named in the parameters (``narrative_path``), or None.

    Raises:
        NarrativeError: when a file was named but does not exist or cannot be read.
    """
    if path is None or str(path).strip() == "":
        return Narrative()
    path = Path(path)
    if not path.is_file():
        raise NarrativeError(
            f"{path}: narrative file not found (named by narrative_path in the parameters; "
            "remove the key to make a report without the evaluator's texts)"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Files saved by older Windows editors; cp1252 has the Swedish letters.
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise NarrativeError(f"{path}: not readable as UTF-8 or cp1252 text: {exc}") from exc
    return parse_narrative(text, source=path.name)


def parse_narrative(text: str, *, source: str | None = None) -> Narrative:
    r"""Split Markdown text into sections at its level-2 headings.

    Text before the first level-2 heading (other than a level-1 title) goes to "other",
    so nothing is lost.

    >>> n = parse_narrative("# T\n\n## Syfte\nAtt hjälpa.\n\n## Ovrigt:\nInget.")
    >>> n.title, n.sections["purpose"], n.sections["other"]
    ('T', 'Att hjälpa.', 'Inget.')
    """
    md = _markdown()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # The parser's own idea of headings, so '## x' inside a code block is not one.
    tokens = md.parse("\n".join(lines))
    headings: dict[int, tuple[int, str]] = {}
    for token, inline in zip(tokens, tokens[1:], strict=False):
        if token.type == "heading_open" and token.tag in ("h1", "h2") and token.map:
            headings[token.map[0]] = (int(token.tag[1]), inline.content.strip())

    title: str | None = None
    preamble: list[str] = []
    blocks: list[tuple[str | None, str, list[str]]] = []  # (key or None, heading, lines)
    current = preamble
    for number, line in enumerate(lines):
        if number not in headings:
            current.append(line)
            continue
        level, heading = headings[number]
        if level == 1 and title is None and not blocks and not "".join(preamble).strip():
            title = heading
            continue
        key = HEADING_ALIASES.get(normalise_token(heading).rstrip(" :.").strip())
        current = []
        blocks.append((key, heading, current))

    texts: dict[str, list[str]] = {}
    if "\n".join(preamble).strip():
        texts["other"] = ["\n".join(preamble).strip()]
    extra: list[tuple[str, str]] = []
    for key, heading, body_lines in blocks:
        body = "\n".join(body_lines).strip()
        if key is None:
            extra.append((heading, body))
        elif body:
            texts.setdefault(key, []).append(body)
    return Narrative(
        sections={key: "\n\n".join(parts) for key, parts in texts.items()},
        extra=tuple(extra),
        title=title,
        source=source,
    )


def render_markdown(text: str, *, top_level: int = 4) -> Html:
    """Render Markdown to sanitised HTML (no raw HTML, no images, safe links only).

    Args:
        text: the Markdown.
        top_level: the level the text's highest heading gets; lower ones keep their
            distance to it (so ``###`` and ``####`` become h4 and h5 with the default).

    >>> str(render_markdown("Hej *du* <script>x</script>"))
    '<p>Hej <em>du</em> &lt;script&gt;x&lt;/script&gt;</p>'
    """
    md = _markdown()
    tokens = md.parse(text)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = top_level - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    rendered = md.renderer.render(tokens, md.options, {})
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Html(clean.strip())


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # An image would load from the network when the report is opened: show its alt text.
    md.add_render_rule("image", _render_image_as_text)
    return md


def _render_image_as_text(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return escape(alt)


def _check_key(key: str) -> None:
    if key not in SECTION_KEYS:
        raise KeyError(f"unknown narrative section {key!r}; expected one of {SECTION_KEYS}")
