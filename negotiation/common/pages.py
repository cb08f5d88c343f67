"""Pages: HTML from Jinja2 templates with autoescaping, and Markdown through markdown-it-py.

Every page the game writes (the briefs, their index, the debrief) extends one shell,
`common/page.html`, which inlines the one stylesheet, `common/style.css`: a page is a single
self-contained file that prints well and loads nothing. Anything from a scenario or a run is
escaped by the templates; Markdown is rendered with raw HTML, links and images turned off.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import BaseLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

# Markdown rules a page never needs, and which would let text load or link to something elsewhere.
OFF = ("image", "link", "autolink")


class LayerLoader(BaseLoader):
    """Template 'teaching/debrief.html' is the file negotiation/teaching/templates/debrief.html.

    Each layer keeps its templates beside its code, and this layer need not know which layers have some.
    """

    def __init__(self) -> None:
        self.files = PackageLoader("negotiation", ".")

    def get_source(self, environment: Environment, template: str):
        layer, _, name = template.partition("/")
        return self.files.get_source(environment, f"{layer}/templates/{name}")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment: HTML autoescaped, an unknown name an error rather than blank text."""
    return Environment(
        loader=LayerLoader(),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context) -> str:
    """A template ('teaching/brief.html') filled in with `context`."""
    return environment().get_template(template).render(**context)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable(list(OFF))


def markdown(text: str) -> Markup:
    """Markdown as HTML, safe to place in a template: raw HTML in the text is shown, never executed."""
    return Markup(_markdown().render(text))


def heading_text(text: str) -> str | None:
    """The plain text of a Markdown document's first heading (a page's title), or None if it has none."""
    tokens = _markdown().parse(text)
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "heading_open":
            return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
    return None
