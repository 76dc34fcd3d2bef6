"""hw2check: proofs and property checks for the claims of HW2 answer sheets."""

__version__ = "0.1.0"
