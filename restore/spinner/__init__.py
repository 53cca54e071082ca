"""Synthetic article spinner (training data for restore)."""
from .core import Spinner, Swap, transfer_case

__all__ = ["Spinner", "Swap", "transfer_case"]
