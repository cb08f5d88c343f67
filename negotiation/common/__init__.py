"""Shared plumbing below every layer: user errors, limits on inputs, safe reading and writing of files, strict JSON."""
