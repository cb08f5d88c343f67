"""The story of a run: sentences rendered from the log's records, for a reader."""
