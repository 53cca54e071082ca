"""Synthetic article spinner (training data for restore)."""
from .core import Edit, Spinner, transfer_case

__all__ = ["Spinner", "Edit", "transfer_case"]
