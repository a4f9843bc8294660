"""Turning files into clean, chunked documents, and keeping the index in step with a folder."""
