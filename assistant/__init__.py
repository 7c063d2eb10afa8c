"""Multimodal customer-service assistant: the AI pipeline (no UI imports)."""

__version__ = "0.1.0"
