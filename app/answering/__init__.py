"""Answering one question: condense -> retrieve -> sources -> generate (backends/) -> check ->
rescue. `Answerer` runs the stages; `types` holds what they produce."""
