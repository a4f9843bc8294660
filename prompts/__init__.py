"""Prompt texts live here as Markdown files, one per prompt, loaded by name by the answering
pipeline. Keeping them out of the code lets a reader review exactly what the model is told."""
