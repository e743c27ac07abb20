"""The Textual UI: the student's practice loop from the technique library to the debrief.

``trainer run`` (:mod:`trainer.cli.practice`, :mod:`trainer.cli.run`) builds and runs the
app; the UI never imports the command line.
"""
