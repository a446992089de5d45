"""`# noqa` comments: bare `# noqa` silences every finding on its line,
`# noqa: SES001, SES002` only those codes."""

from __future__ import annotations

import io
import re
import tokenize

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)

#: line -> codes silenced there; `None` means every code.
NoqaMap = dict[int, "frozenset[str] | None"]


def parse_noqa(source: str) -> NoqaMap:
    """Map each line holding a `# noqa` comment to the codes it silences."""
    if "noqa" not in source and "NOQA" not in source:
        return {}
    found: NoqaMap = {}
    try:
        # `newline=None`: a lone CR ends a line, as it does for Python's parser.
        for token in tokenize.generate_tokens(io.StringIO(source, newline=None).readline):
            if token.type == tokenize.COMMENT:
                _record(found, token.start[0], token.string)
    except (tokenize.TokenError, SyntaxError):
        pass  # the parser already accepted the file; a partial map is the best we can do
    return found


def _record(found: NoqaMap, line: int, comment: str) -> None:
    match = _NOQA.search(comment)
    if match is None:
        return
    codes = match.group("codes")
    if codes is None:
        found[line] = None
        return
    previous = found.get(line, frozenset())
    if previous is not None:
        found[line] = previous | frozenset(re.split(r"[\s,]+", codes.upper().strip()))


def is_silenced(noqa: NoqaMap, line: int, code: str) -> bool:
    """Whether a finding of `code` anchored on `line` is silenced."""
    if line not in noqa:
        return False
    codes = noqa[line]
    return codes is None or code in codes
