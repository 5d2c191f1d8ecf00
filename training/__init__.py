"""Training: corpus loaders, splits, features, training, evaluation and the model card."""
