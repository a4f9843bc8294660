"""Footnote measuring itself: question sets, metrics, the evaluation run and its report.

Core code like the answering pipeline: the CLI (`footnote eval`), the web app's Evaluate page and
`make bench` are thin layers over it."""
