"""Measurement code on arrays: no file I/O, no cameras, no plotting."""
