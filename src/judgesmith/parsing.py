"""Parse judge outputs into (feedback, label) without ever raising.

Models write the verdict last, so parsing is anchored at the end: the *last*
well-formed result marker wins. This matters because small models often echo the
template, whose own text contains `[RESULT] (an integer number between 1 and 5)`
(prometheus-eval issue #58); such echoes never match a label and are skipped.
When no `[RESULT]` marker is present, common fallbacks (`Score: 4/5`,
`4 out of 5`, `Winner: B`) are tried, again taking the last one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EOS = re.compile(r"(?:</s>|<eos>|<end_of_turn>|<\|im_end\|>|<\|eot_id\|>|<\|endoftext\|>|\s)+$")
_MARK = r"\[\s*RESULT\s*(?:\]\s*[:=\-]?|[:=\-])\s*"
_NUM = r"(?P<v>[+-]?\d+(?:\.\d+)?)"
_SCORE_AFTER_MARK = re.compile(
    _MARK + r"\(?\s*(?:score\s*(?:of\s*)?[:=]?\s*)?" + _NUM
    + r"\s*\)?(?:\s*(?:/|out\s+of)\s*(?P<d>\d+))?\s*\]?",
    re.IGNORECASE,
)
_SCORE_FALLBACKS = (
    re.compile(
        r"(?:overall\s+|final\s+)?(?:score|rating)\s*(?:is|of|=|:)?\s*:?\s*" + _NUM
        + r"(?:\s*(?:/|out\s+of)\s*(?P<d>\d+))?",
        re.IGNORECASE,
    ),
    re.compile(_NUM + r"\s*(?:/|out\s+of)\s*(?P<d>\d+)\b", re.IGNORECASE),
)
_CHOICE_AFTER_MARK = re.compile(
    _MARK + r"\(?\s*(?:response|output|answer)?\s*(?P<v>[AB]|tie|1|2)\b(?!\s*(?:or|and|/)\s)\s*\)?\s*\]?",
    re.IGNORECASE,
)
_CHOICE_FALLBACKS = (
    re.compile(
        r"(?:winner|better\s+response|preferred\s+response|verdict|choice)\s*(?:is|:|=)\s*"
        r"\**\s*(?:response\s*)?\(?(?P<v>[AB])\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bresponse\s+(?P<v>[AB])\s+is\s+(?:better|preferred|superior)", re.IGNORECASE),
)
_FEEDBACK_ANYWHERE = re.compile(r"(?:^|\n)\s*(?:#+\s*)?feedback\s*:\s*", re.IGNORECASE)
_STRAY_MARK = re.compile(r"\[\s*RESULT\s*\]?\s*(?:\([^)]*\)|[:=\-]?\s*\S+)?", re.IGNORECASE)


@dataclass(frozen=True)
class ParseResult:
    """What the parser found: feedback text, the label ("1".."5", "A", "B") or why it failed."""

    feedback: str
    label: str | None
    ok: bool
    error: str | None = None


def _clean(text: str) -> str:
    text = text.replace("**", "")
    return _EOS.sub("", text)


def _feedback(text: str, end: int) -> str:
    """Text before the verdict, from the last `Feedback:` on, with stray markers removed."""
    fb = text[:end]
    starts = [m.end() for m in _FEEDBACK_ANYWHERE.finditer(fb)]
    if starts:
        fb = fb[starts[-1]:]
    fb = _STRAY_MARK.sub("", fb)
    return fb.strip().rstrip("([").strip()


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    match = None
    for match in pattern.finditer(text):
        pass
    return match


def _latest(match: re.Match[str]) -> tuple[int, int]:
    """Order fallback matches: the one ending last wins; on a tie, the longer one."""
    return match.end(), -match.start()


def _score_from(match: re.Match[str]) -> tuple[str | None, str | None]:
    value, denom = match.group("v"), match.groupdict().get("d")
    if denom is not None and denom != "5":
        return None, f"score {value}/{denom} is not on the 1-5 scale"
    try:
        number = float(value)
    except ValueError:  # pragma: no cover - regex guarantees digits
        return None, f"score {value!r} is not a number"
    if number != int(number):
        return None, f"score {value} is not an integer 1-5"
    if not 1 <= int(number) <= 5:
        return None, f"score {int(number)} is outside 1-5"
    return str(int(number)), None


def parse_absolute(text: str | None) -> ParseResult:
    """Find the 1-5 score at the end of an absolute-grading output."""
    if not text or not text.strip():
        return ParseResult("", None, False, "empty output")
    text = _clean(str(text))
    match = _last(_SCORE_AFTER_MARK, text)
    if match is None:
        if re.search(r"\[\s*RESULT", text, re.IGNORECASE):
            candidates = [m for p in _SCORE_FALLBACKS for m in p.finditer(text)]
            after = [m for m in candidates if m.start() > text.upper().rfind("RESULT")]
            match = max(after, key=_latest) if after else None
        else:
            candidates = [m for p in _SCORE_FALLBACKS for m in p.finditer(text)]
            match = max(candidates, key=_latest) if candidates else None
        if match is None:
            reason = "[RESULT] marker without a score" if "RESULT" in text.upper() else "no score found"
            return ParseResult(text.strip(), None, False, reason)
    label, error = _score_from(match)
    return ParseResult(_feedback(text, match.start()), label, label is not None, error)


def parse_pairwise(text: str | None) -> ParseResult:
    """Find the A/B choice at the end of a pairwise-grading output."""
    if not text or not text.strip():
        return ParseResult("", None, False, "empty output")
    text = _clean(str(text))
    match = _last(_CHOICE_AFTER_MARK, text)
    if match is None:
        candidates = [m for p in _CHOICE_FALLBACKS for m in p.finditer(text)]
        match = max(candidates, key=_latest) if candidates else None
        if match is None:
            reason = "[RESULT] marker without A or B" if "RESULT" in text.upper() else "no choice found"
            return ParseResult(text.strip(), None, False, reason)
    value = match.group("v").upper()
    value = {"1": "A", "2": "B"}.get(value, value)
    feedback = _feedback(text, match.start())
    if value == "TIE":
        return ParseResult(feedback, None, False, "the judge answered a tie; Prometheus pairwise needs A or B")
    return ParseResult(feedback, value, True, None)


def parse(text: str | None, kind: str) -> ParseResult:
    """Dispatch on the judgment kind ("absolute" or "pairwise")."""
    return parse_absolute(text) if kind == "absolute" else parse_pairwise(text)
