"""Mutation testing: the score script (``python -m mutation.score``) beside its data."""
