"""The one adapter from typed questions to questionary prompts. A text answer is checked
as it is typed (validate=): a bad cron or image reference is refused on the spot with
the reason, and the prompt stays until the answer is right. Ctrl-C raises
KeyboardInterrupt (nothing has been written at that point)."""

from __future__ import annotations

from typing import Any

import questionary

from .question import Answers, Question

__all__ = ["TerminalAsker"]

STYLE = questionary.Style([("qmark", "fg:ansicyan bold"), ("question", "bold"), ("answer", "fg:ansigreen"),
               ("note", "fg:ansiblue"), ("instruction", "fg:ansibrightblack")])


class TerminalAsker:
    """Asks on the terminal; shows the detection's reasons as notes."""

    def note(self, text: str) -> None:
        questionary.print(text, style="fg:ansiblue")

    def ask(self, question: Question, default: Any, answers: Answers) -> Any:
        if question.help:
            self.note(question.help)
        prompt = self._build(question, default, answers)
        return question.parse(prompt.unsafe_ask(), answers)

    def confirm(self, message: str, default: bool = True) -> bool:
        return bool(questionary.confirm(message, default=default, style=STYLE).unsafe_ask())

    def _build(self, q: Question, default: Any, answers: Answers) -> Any:
        if q.kind == "confirm":
            return questionary.confirm(q.prompt, default=bool(default), style=STYLE)
        if q.kind == "select":
            choices = [questionary.Choice(c.title, value=c.value) for c in q.choices_for(answers)]
            values = [c.value for c in q.choices_for(answers)]
            return questionary.select(q.prompt, choices=choices, style=STYLE,
                                      default=default if default in values else None)
        if q.kind == "checkbox":
            chosen = set(default or [])
            choices = [questionary.Choice(c.title, value=c.value, checked=c.value in chosen)
                       for c in q.choices_for(answers)]
            return questionary.checkbox(q.prompt, choices=choices, style=STYLE,
                                        validate=_validator(q, answers))
        return questionary.text(q.prompt, default=q.to_text(default), style=STYLE,
                                validate=_validator(q, answers))


def _validator(q: Question, answers: Answers) -> Any:
    def validate(value: Any) -> bool | str:
        try:
            q.parse(value, answers)
        except ValueError as e:
            return str(e)
        return True

    return validate
