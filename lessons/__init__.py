"""Makes this folder the package negotiation.data.lessons, so that the installed game ships it (see pyproject.toml)."""
