"""The stage graph: `needs` edges, their checks, and the order stages run in.

Stages without a `needs` path between them run in parallel. We order stages in waves:
wave k holds the stages whose longest chain of `needs` from a root is k. Every stage
of a wave has all it needs in earlier waves, so waves run one after another and the
stages of one wave run side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

__all__ = ["StageLike", "stage_graph_problems", "stage_waves"]


class StageLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def needs(self) -> list[str]: ...


def stage_graph_problems(stages: Sequence[StageLike]) -> list[tuple[tuple[str | int, ...], str]]:
    """(path below `stages`, message) for duplicate names, unknown needs and cycles."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen: dict[str, int] = {}
    for i, st in enumerate(stages):
        if st.name in seen:
            problems.append(((i, "name"), f"stage {st.name!r} is defined twice (also stages[{seen[st.name]}]); "
                             "stage names are unique in a job"))
        else:
            seen[st.name] = i
    names = sorted(seen)
    for i, st in enumerate(stages):
        for j, need in enumerate(st.needs):
            if need not in seen:
                hint = _closest(need, names)
                more = f"; did you mean {hint!r}?" if hint else f"; stages are: {', '.join(names)}"
                problems.append(((i, "needs", j), f"needs unknown stage {need!r}{more}"))
            elif need == st.name:
                problems.append(((i, "needs", j), f"stage {need!r} needs itself; remove it from needs"))
    if problems:
        return problems
    cycle = _find_cycle(stages)
    if cycle:
        first = seen[cycle[0]]
        problems.append(((first, "needs"), "needs form a cycle: " + " -> ".join([*cycle, cycle[0]])
                         + "; remove one of these needs"))
    return problems


def _closest(word: str, options: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return found[0] if found else None


def _find_cycle(stages: Sequence[StageLike]) -> list[str] | None:
    graph = {s.name: list(s.needs) for s in stages}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in graph[n]:
            if state.get(m) == 1:
                return stack[stack.index(m):]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for s in stages:
        if s.name not in state:
            found = visit(s.name)
            if found:
                return list(reversed(found))
    return None


S = TypeVar("S", bound=StageLike)


def stage_waves(stages: Sequence[S]) -> list[list[S]]:
    """Group stages into waves (see module doc); order inside a wave is the spec's."""
    by_name = {s.name: s for s in stages}
    depth: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in depth:
            needs = by_name[name].needs
            depth[name] = 1 + max((level(n) for n in needs), default=-1)
        return depth[name]

    waves: dict[int, list[S]] = {}
    for s in stages:
        waves.setdefault(level(s.name), []).append(s)
    return [waves[k] for k in sorted(waves)]
