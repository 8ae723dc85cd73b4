"""The lecture's experiments, built on the library: each module answers one question.

- :mod:`~neuralens.studies.network_equation`: a wine's grade from a few measurements, the
  network written as its equation (one linear layer, then one hidden layer).
- :mod:`~neuralens.studies.nonlinearity`: the same MLP with and without ReLU.
- :mod:`~neuralens.studies.own_model`: train a classifier on your own images and keep it.
"""
