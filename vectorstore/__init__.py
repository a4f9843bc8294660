"""Embeddings, the Chroma chunk store, and the manifest that ties files to chunks."""
