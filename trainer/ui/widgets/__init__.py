"""Widgets of the trainer's screens: each owns its rendering and its default styles."""
