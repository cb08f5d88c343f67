"""The story of a run: sentences rendered from the log's typed records, for a reader.

Nothing here changes the game: the game logs records carrying numbers, and this layer turns them
into words, for an omniscient reader or for one government's seat.
"""

from negotiation.story.sentences import sentence, visible
from negotiation.story.telling import story_markdown
from negotiation.story.words import agreement_name, change_text, day, label, level_text

__all__ = ["agreement_name", "change_text", "day", "label", "level_text", "sentence", "story_markdown", "visible"]
