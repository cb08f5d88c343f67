"""Text from a scenario made safe for the places it goes (Markdown files read in a browser or an editor)."""

from __future__ import annotations


def markdown_safe(text: str) -> str:
    """Markdown text in which HTML written in a scenario shows as text and never runs.

    Markdown renderers pass raw HTML through (`<script>`, `<img onerror=...>`), so `<` becomes
    `&lt;` and `&` becomes `&amp;` (an entity then shows as written); every renderer shows both as
    the characters they stand for. Text without either character is unchanged.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;")
