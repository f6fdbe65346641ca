"""What the numbers of a REFI-QDA text selection count, and how they become code-point offsets.

``startPosition`` and ``endPosition`` count "characters" of a source's plain text, but the REFI-QDA
standard does not say what a character is, and the tools disagree for characters outside the Basic
Multilingual Plane (emoji, some CJK ideographs, historic scripts):

- NVivo counts UTF-16 code units (its strings are .NET strings), so such a character counts twice;
- QualCoder and ``qc`` are written in Python and count code points, as the Web Annotation
  ``TextPositionSelector`` that ICGP writes does.

The unit is therefore chosen per project: ``--offsets`` when given, else from the exporting software
named in the project's ``origin`` (NVivo: UTF-16), else code points. Offsets are always written as code
points. Combining characters are code points of their own in both units (a letter with a combining
accent counts as two), so only characters outside the BMP need converting.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from kg.errors import InputError

CODEPOINTS = "codepoints"
UTF16 = "utf16"
UNITS = (CODEPOINTS, UTF16)

UTF16_EXPORTERS = ("nvivo",)
"""Words of a project's ``origin`` that name software counting offsets in UTF-16 code units."""


@dataclass(frozen=True)
class OffsetUnit:
    """The unit a project's selections count in, and why it was chosen (for messages)."""

    name: str
    reason: str


def offset_unit(origin: str | None, requested: str | None) -> OffsetUnit:
    """The unit of a project's offsets: ``requested`` (``--offsets``) if given, else from ``origin``."""
    if requested is not None:
        if requested not in UNITS:
            raise InputError(f"--offsets must be one of {', '.join(UNITS)}, not '{requested}'")
        return OffsetUnit(requested, "(as --offsets says)")
    exporter = (origin or "").strip()
    if any(word in exporter.lower() for word in UTF16_EXPORTERS):
        return OffsetUnit(UTF16, f"({exporter} exported the project, and it counts UTF-16 code units)")
    named = f"{exporter} exported the project" if exporter else "the project names no exporting software"
    return OffsetUnit(CODEPOINTS, f"(the default: {named})")


def has_astral(text: str) -> bool:
    """True if the text has a character outside the Basic Multilingual Plane (two UTF-16 code units)."""
    return any(ord(character) > 0xFFFF for character in text)


class PositionMap:
    """Converts positions in a given unit into code-point positions of one text."""

    def __init__(self, text: str, unit: str) -> None:
        self.length = len(text)
        # Only UTF-16 positions in a text with astral characters differ from code points.
        self._bounds: list[int] | None = None
        if unit == UTF16 and has_astral(text):
            bounds = [0]
            for character in text:
                bounds.append(bounds[-1] + (2 if ord(character) > 0xFFFF else 1))
            self._bounds = bounds

    @property
    def unit_length(self) -> int:
        """The text's length in the map's unit."""
        return self._bounds[-1] if self._bounds is not None else self.length

    def codepoint(self, position: int) -> int | None:
        """The code-point position of ``position``; None if it falls inside a surrogate pair.

        A position past the end keeps its distance from the end, so that it stays recognisably past it.
        """
        if self._bounds is None or position < 0:
            return position
        if position >= self._bounds[-1]:
            return self.length + position - self._bounds[-1]
        index = bisect_left(self._bounds, position)
        return index if self._bounds[index] == position else None
