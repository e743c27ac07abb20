"""The instructor's live class screen (``trainer class``): tiles, alerts, actions, the day."""
