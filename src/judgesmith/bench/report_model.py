"""The report as data: sections of paragraphs, lists, tables and plots.

`report_build` (and the section builders it calls) decide what a report says;
`report_md` and `report_html` only decide how it looks, so the two files cannot
drift apart. Text marks code with backticks (`key`), as Markdown does; the HTML
renderer turns them into `<code>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section."""

    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Sources:
    """Numbered references ([1], [2], ...) that table rows cite."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """Header and rows of cell text; rows from `reported_from` on are reported, not measured."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    reported_from: int | None = None


@dataclass(frozen=True)
class Plot:
    """A figure drawn only when rendered (HTML): `draw()` returns a base64 PNG."""

    kind: str
    alt: str
    draw: Callable[[], str]


@dataclass(frozen=True)
class Plots:
    plots: tuple[Plot, ...]


Block = Union[Paragraph, Heading, Bullets, Sources, Table, Plots]


@dataclass(frozen=True)
class Section:
    """One `##` section; `id` is its HTML anchor (`models`, `bench-<key>`, `consistency`, ...)."""

    id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Report:
    """A whole report: a title, the run's facts (suite, protocol, ...) and its sections."""

    title: str
    facts: tuple[str, ...]
    sections: tuple[Section, ...]


def table(header: list[str], rows: list[list[str]], reported_from: int | None = None) -> Table:
    """A `Table` from the lists the builders assemble."""
    return Table(tuple(header), tuple(tuple(r) for r in rows), reported_from)
