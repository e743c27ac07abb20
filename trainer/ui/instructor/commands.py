"""The command palette entry for the instructor tools (add to the app's ``COMMANDS``)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from trainer.ui.instructor import open_instructor

TITLE = "Instructor: exercises, classes, review, assessment"
HELP = "Edit exercises and bands, review students, assessment results (asks for the PIN)"


class InstructorCommands(Provider):
    """Offers the instructor tools in the command palette."""

    async def discover(self) -> Hits:
        yield DiscoveryHit(TITLE, partial(open_instructor, self.app), help=HELP)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        score = matcher.match(TITLE)
        if score > 0:
            yield Hit(
                score, matcher.highlight(TITLE), partial(open_instructor, self.app), help=HELP
            )
