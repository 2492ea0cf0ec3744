"""The commands a messenger lists beside the input field, in every language.

Registered for private chats only: in groups the bot says nothing personal, so it
offers no commands there. Each adapter publishes them its own way
(`bots.telegram.app.publish_commands`).
"""

from __future__ import annotations

from bots.i18n import _, speaking
from core.i18n import N_

# In the order the menu shows them: what parents use most first, /hw for teachers.
COMMANDS = {
    "homework": N_("Homework for today and tomorrow"),
    "diary": N_("The week's diary"),
    "tests": N_("Tests of the next two weeks"),
    "marks": N_("Marks and averages"),
    "absences": N_("Absences and lateness"),
    "summary": N_("The week's summary (PDF)"),
    "settings": N_("Notification settings"),
    "hw": N_("Teachers: send homework to a class"),
    "help": N_("What the bot can do"),
    "stop": N_("Unsubscribe from this messenger's messages"),
}


def command_description(name: str) -> str:
    """What the command `name` does, in the current language."""
    return _(COMMANDS[name])


def described_commands(lang: str) -> list[tuple[str, str]]:
    """(name, description) of every command, in `lang`."""
    with speaking(lang):
        return [(name, command_description(name)) for name in COMMANDS]
