"""Root pytest settings: files pytest must not import while collecting doctests."""

collect_ignore = ["src/neuralens/__main__.py", "scripts"]
