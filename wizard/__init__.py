"""The guided wizard: detect a project, ask typed questions, return a spec.

The wizard writes nothing; `jenkinsbridge wizard` (jenkinsbridge.cli.cmd_wizard) shows the
summary and writes the files. Installed as ``jenkinsbridge.wizard``.
"""

from .detect import Candidate, Detection, detect
from .flow import Asker, DefaultsAsker, WizardResult, ask_all, run_wizard
from .question import Choice, Question, Repeat

__all__ = [
    "Asker",
    "Candidate",
    "Choice",
    "DefaultsAsker",
    "Detection",
    "Question",
    "Repeat",
    "WizardResult",
    "ask_all",
    "detect",
    "run_wizard",
]
