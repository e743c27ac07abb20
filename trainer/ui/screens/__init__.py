"""The trainer's screens: home, live session, results, history, help and confirmation."""
