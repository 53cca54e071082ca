"""Synthetic article spinner (training data for restore)."""

from .core import MixedSpinner, Spinner
from .text import Swap, transfer_case

__all__ = ["Spinner", "MixedSpinner", "Swap", "transfer_case"]
