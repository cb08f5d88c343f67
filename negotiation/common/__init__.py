"""Shared plumbing below every layer: user errors, safe file writing."""
