"""``python -m neuralens`` runs the CLI."""

from neuralens.cli import main

main()
