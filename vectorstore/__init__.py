"""Embeddings, the chunk store (Chroma), the catalog that ties files to chunks, and the chat
store; `Index` is the one door to the chunk store and the catalog."""
