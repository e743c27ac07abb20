"""Pressure Trainer: live force feedback for massage and manual-therapy students."""

__version__ = "0.1.0"
