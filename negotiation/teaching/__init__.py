"""The classroom: role briefs, playing a seat at the terminal, transcripts and replays, the debrief."""
