"""neuralens: the lecture *Deep learning theory for images*, runnable."""

__version__ = "0.1.0"
