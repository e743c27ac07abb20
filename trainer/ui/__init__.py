"""The Textual UI: the student's practice loop from the technique library to the debrief.

``trainer.cli.practice`` adds ``trainer run`` to the command line and stays cheap to
import; everything that pulls in Textual is imported when ``run`` starts.
"""
