"""Parse judge outputs into (feedback, label) without ever raising.

The rule: the verdict is the judge's *own* last well-formed `[RESULT]` marker.
Models write the verdict last, so parsing is anchored at the end; a marker does
not count when it is
- quoted: inside any common quote pair (straight, curly, „German“, «guillemets»,
  ‹single›, 「corner」, `backticks`, 'single'; a quote left open by a cut-off output
  runs to the end), as in `...ends with the text "[RESULT] 5", is poor`, or on a
  `> ` block-quoted line, or right after a single quote or backtick (`'[RESULT] 5'`).
  A straight quote opens only where a quotation can start (after a space or an
  opening bracket, before text) and closes only where one can end, so a stray inch
  mark (`5" tall`) neither opens a quote nor flips the pairing of the others. A
  straight quote that pairs with nothing is ignored, except that a marker right
  after one (`word"[RESULT] 5`) counts as quoted; what is left is decided by the
  echo rule below (the judge's own last marker outside text copied from the
  prompt); or
- an echo of the judged text (pass it as `judged`; the engine passes the whole
  prompt: responses, rubric, template): the marker and the 20 non-space
  characters before it (fewer when the judged text has fewer) appear verbatim in
  it, so a response ending in `[RESULT] 5` that the judge copies out, or a base
  model reciting the prompt's "a reference answer that gets a score of 5", does
  not become its verdict.
Template echoes (`[RESULT] (an integer number between 1 and 5)`, prometheus-eval
issue #58) never match a label and are skipped. When no own marker is present,
fallbacks (`Score: 4/5`, `4 out of 5`, `Winner: B`) are tried under the same
rule, again taking the last one. Anything else is a parse failure, not a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

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
_ANY_MARK = re.compile(r"\[\s*RESULT", re.IGNORECASE)
_SQUASH = re.compile(r"[\s*]+")
ECHO_CONTEXT = 20  # non-space characters before a marker that must match the judged text to call it an echo
_STRAY_MARK = re.compile(r"\[\s*RESULT\s*\]?\s*(?:\([^)]*\)|[:=\-]?\s*\S+)?", re.IGNORECASE)


@dataclass(frozen=True)
class ParseResult:
    """What the parser found: feedback text, the label ("1".."5", "A", "B") or why it failed."""

    feedback: str
    label: str | None
    ok: bool
    error: str | None = None


def _clean(text: str) -> str:
    text = _EOS.sub("", text.replace("**", "")).strip()
    if len(text) > 1 and (text[0], text[-1]) in (('"', '"'), ("\u201c", "\u201d")):
        text = text[1:-1]  # the whole output wrapped in quotes, copied from the template's format line
    return text


def _squash(text: str) -> str:
    return _SQUASH.sub("", text).lower()


# opener -> the characters that close it ("»" and "›" also open the reversed Danish/German style)
_PAIRS = {"\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u00ab": "\u00bb", "\u00bb": "\u00ab", "\u2039": "\u203a",
          "\u203a": "\u2039", "\u300c": "\u300d", "\u300e": "\u300f", "\u301d": "\u301e\u301f",
          "\u201a": "\u2018\u2019", "\u2018": "\u2019"}
_SYMMETRIC = "\"`\uff02'"  # straight double, backtick, fullwidth double, straight single
_OPEN_AFTER = "([{<:;,=/-\u2013\u2014"
_BLOCK_QUOTE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)


def _can_open(text: str, i: int) -> bool:
    """A symmetric quote at `i` can start a quotation: after a space, line start or opening bracket, before text."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in _OPEN_AFTER or before in _PAIRS) and not after.isspace()


def _can_close(text: str, i: int) -> bool:
    """...and can end one: after text, and (for a single quote) not inside a word, as in don't."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not (text[i] in "'\u2019" and after.isalnum())


def _quoted_spans(text: str) -> tuple[list[tuple[int, int]], set[int]]:
    """(open, close) index pairs of quoted stretches, and where straight double quotes were left unpaired.

    An unclosed quote runs to the end (a cut-off output); `> ` block-quoted lines are spans too."""
    spans, stray, i, n = [], set(), 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _PAIRS and (ch not in "\u2018" or _can_open(text, i)):
            ends = [j for j in (text.find(c, i + 1) for c in _PAIRS[ch]) if j >= 0]
            if not ends and ch in "\u2018\u201a":  # unclosed single: an apostrophe, not a quotation
                i += 1
                continue
            end = min(ends, default=n)
        elif ch in _SYMMETRIC and _can_open(text, i):
            end = i + 1
            while end < n and not (text[end] == ch and _can_close(text, end)):
                end += 1
            if end == n and ch == "'":  # an unclosed single quote is an apostrophe ('tis), not a quotation
                i += 1
                continue
        else:
            if ch in "\"\uff02":
                stray.add(i)
            i += 1
            continue
        spans.append((i, end))
        i = end + 1
    spans += [(m.start(), m.end()) for m in _BLOCK_QUOTE.finditer(text)]
    return spans, stray


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


class _Own:
    """Tells the judge's own words from quoted text and echoes of the judged responses."""

    def __init__(self, text: str, judged: Sequence[str | None]):
        self.text = text
        self.spans, self.unpaired = _quoted_spans(text)
        self.closes = {b for _, b in self.spans}
        self.judged = [_squash(_clean(j)) for j in judged if j]

    def __call__(self, match: re.Match[str]) -> bool:
        return not self.quoted(match.start()) and not self.echo(match)

    def quoted(self, pos: int) -> bool:
        """Inside a quoted span or block quote, or right after an opening single quote or backtick ('[RESULT] 5')."""
        if any(a <= pos < b for a, b in self.spans):
            return True
        head = self.text[:pos].rstrip()  # an opening mark left open: not the closing end of a span
        if len(head) - 1 in self.unpaired:  # glued to a double quote that pairs with nothing: "[RESULT] 5
            return True
        return head.endswith(("'", "`", "\u2018")) and len(head) - 1 not in self.closes

    def echo(self, match: re.Match[str]) -> bool:
        frag = _squash(match.group(0))
        if not frag or not self.judged:
            return False
        before = _squash(self.text[: match.start()])[-4 * ECHO_CONTEXT:]
        for judged in self.judged:
            at = judged.find(frag)
            while at >= 0:
                if _common_suffix(before, judged[:at]) >= min(ECHO_CONTEXT, at):
                    return True
                at = judged.find(frag, at + 1)
        return False


def _feedback(text: str, end: int) -> str:
    """Text before the verdict, from the last `Feedback:` on, with stray markers removed."""
    fb = text[:end]
    starts = [m.end() for m in _FEEDBACK_ANYWHERE.finditer(fb)]
    if starts:
        fb = fb[starts[-1]:]
    fb = _STRAY_MARK.sub("", fb)
    return fb.strip().rstrip("([").strip()


def _last(pattern: re.Pattern[str], text: str, own: _Own) -> re.Match[str] | None:
    found = [m for m in pattern.finditer(text) if own(m)]
    return found[-1] if found else None


def _fallback(patterns: Sequence[re.Pattern[str]], text: str, own: _Own) -> re.Match[str] | None:
    """The last own fallback match after the last own `[RESULT]` marker (if any)."""
    marks = [m.end() for m in _ANY_MARK.finditer(text) if own(m)]
    after = marks[-1] if marks else 0
    candidates = [m for p in patterns for m in p.finditer(text) if m.start() >= after and own(m)]
    return max(candidates, key=_latest) if candidates else None


def _no_verdict(text: str, pattern: re.Pattern[str], what: str, nothing: str) -> str:
    """Why nothing parsed: only quoted/echoed verdicts, a marker without a label, or nothing at all."""
    if pattern.search(text):
        return "no verdict of the judge's own: every [RESULT] is quoted or echoes the judged text"
    return f"[RESULT] marker without {what}" if "RESULT" in text.upper() else nothing


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


def parse_absolute(text: str | None, judged: Sequence[str | None] = ()) -> ParseResult:
    """Find the judge's own 1-5 score at the end of an absolute-grading output (`judged`: the response)."""
    if not text or not text.strip():
        return ParseResult("", None, False, "empty output")
    text = _clean(str(text))
    own = _Own(text, judged)
    match = _last(_SCORE_AFTER_MARK, text, own) or _fallback(_SCORE_FALLBACKS, text, own)
    if match is None:
        reason = _no_verdict(text, _SCORE_AFTER_MARK, "a score", "no score found")
        return ParseResult(text.strip(), None, False, reason)
    label, error = _score_from(match)
    return ParseResult(_feedback(text, match.start()), label, label is not None, error)


def parse_pairwise(text: str | None, judged: Sequence[str | None] = ()) -> ParseResult:
    """Find the judge's own A/B choice at the end of a pairwise output (`judged`: both responses)."""
    if not text or not text.strip():
        return ParseResult("", None, False, "empty output")
    text = _clean(str(text))
    own = _Own(text, judged)
    match = _last(_CHOICE_AFTER_MARK, text, own) or _fallback(_CHOICE_FALLBACKS, text, own)
    if match is None:
        reason = _no_verdict(text, _CHOICE_AFTER_MARK, "A or B", "no choice found")
        return ParseResult(text.strip(), None, False, reason)
    value = match.group("v").upper()
    value = {"1": "A", "2": "B"}.get(value, value)
    feedback = _feedback(text, match.start())
    if value == "TIE":
        return ParseResult(feedback, None, False, "the judge answered a tie; Prometheus pairwise needs A or B")
    return ParseResult(feedback, value, True, None)


def parse(text: str | None, kind: str, judged: Sequence[str | None] = ()) -> ParseResult:
    """Dispatch on the judgment kind ("absolute" or "pairwise")."""
    return parse_absolute(text, judged) if kind == "absolute" else parse_pairwise(text, judged)
