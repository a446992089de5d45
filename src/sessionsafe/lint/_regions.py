"""Parse only the parts of a file that can matter: blank out functions and classes that cannot.

The file pre-filter (`_prefilter`) skips a file whose text holds no marker; this module
applies the same idea inside a file, before the parse. A `def`/`class` statement whose
text holds no marker, whose name no kept code mentions and which mentions no kept
function of its own scope cannot involve a session, so it is replaced by `pass` and blank
lines. Every kept line keeps its number and its columns, so findings, `# noqa` and
`# error:` markers stay where they were.

Blocks are found textually, by indentation, without tokenizing (the point is to cost a
small fraction of `ast.parse`). Where the text could fool the splitter (a triple-quoted
string or bracket continuation whose lines start at a lower indentation, a backslash
continuation) the block concerned is kept whole; any mis-split left over can only yield
a text that fails to parse, and the runner then parses the full text.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

#: A statement at `{indent}`, from the newline before it: a line whose first character is
#: code, not a comment, blank space or the closing bracket of a continuation (`):` ending a
#: multi-line header).
_STATEMENT = r"\n{indent}(?=[^\s#)\]}}])"
#: A statement that may be dropped (or its first decorator), from the newline before it.
_DEFINITION_START = r"\n{indent}(?:@|(?:async[ \t]+)?def[ \t]|class[ \t])"
#: The name a `def`/`class` line defines.
_DEFINITION = re.compile(r"(?:async[ \t]+)?def[ \t]+(\w+)|class[ \t]+(\w+)")
#: `name = <value>` / `name: T = <value>` at the start of a line, and the rest of the line.
_ASSIGNMENT = re.compile(r"\n([^\W\d]\w*)[ \t]*(?::[^=\n]*)?=(?!=)([^\n]*)")
#: What a module-level import statement imports.
_IMPORT = re.compile(r"\n(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+(\([^)]*\)|[^\n]*)")
#: `original as alias` inside an import statement.
_IMPORT_ALIAS = re.compile(r"(?<![\w.])([\w.]+)[ \t]+as[ \t]+(\w+)")
#: The first code line of a class body (its indentation is the body's).
_FIRST_BODY_LINE = re.compile(r"\n([ \t]+)(?=[^\s#])")
_NOT_LINE_END = re.compile(r"[^\r\n]+")
_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))
#: For `bytes.translate`: every byte but the brackets' is deleted, so that they are counted
#: in a short text (six counts over the block itself cost more).
_BYTE_BRACKETS = tuple((opening.encode(), closing.encode()) for opening, closing in _BRACKETS)
_NOT_BRACKETS = bytes(code for code in range(256) if chr(code) not in "()[]{}")


@dataclass(eq=False)
class _Block:
    """One `def`/`class` statement (decorators included) that may be dropped."""

    start: int
    end: int
    #: Where the `def`/`class` line starts, after the decorators.
    header: int
    name: str
    indent: str
    is_class: bool
    #: Part of a statement merged across what looked like statement starts (lines of a
    #: triple-quoted string): the splitter is unsure of its extent, so it is always kept.
    merged: bool
    #: For a class member, the class's indentation (see `_surely_whole`).
    outer: str | None
    kept: bool = False
    #: Found to hold no marker (nor a name of `_module_names`), so neither do its members.
    marker_free: bool = False
    #: The identifiers in the block (with repeats), once read.
    words: list[str] | None = None
    #: For a kept class that could be split: its members.
    members: _Members | None = None


@dataclass
class _Members:
    """The members of a class split by `_split_class`."""

    blocks: list[_Block]
    #: (start, end) of what the class keeps besides its members: its header, then the
    #: other statements of its body (attributes, docstring, ...).
    shell: list[tuple[int, int]]


@dataclass
class _Scope:
    """The blocks of one module or class body: a kept block keeps its siblings that name it."""

    blocks: list[_Block]
    #: (start, end) of the statements of this scope that are always kept.
    plain: list[tuple[int, int]]
    #: Name of a block of this scope -> the blocks not kept yet that mention it.
    naming: dict[str, list[_Block]] = field(default_factory=dict)
    #: The members of a class found to hold no marker: none of them holds one.
    marker_free: bool = False


def reduce_source(text: str, markers: tuple[str, ...]) -> str | None:
    """`text` with every `def`/`class` that cannot matter blanked out, or None if none can go.

    A block is kept when its text holds one of `markers` (a substring, as the pre-filter
    matches) or a name the module binds to something holding a marker
    (`make = sessionmaker(...)`), when kept text mentions its name as a whole identifier,
    or when it mentions a kept function of its own scope (a method calling `self._save()`
    where `_save` commits). A dropped block's first line becomes `<indent>pass` and its
    other lines are emptied, so the result has the same lines, and kept lines are unchanged.
    """
    if not _lines_modelled(text):
        return None  # form feeds and lone CRs move lines or columns in ways not modelled here
    module = _split_scope(text, 0, len(text), "")
    if not module.blocks:
        return None
    dropped = _Decision(text, markers, _module_names(text, markers, module)).dropped(module)
    if not dropped:
        return None
    return _blank_out(text, sorted(dropped, key=lambda block: block.start))


def without_class_bodies(text: str) -> str | None:
    """`text` with the body of every module-level class blanked out (its header kept), or
    None if there is none to blank.

    The project pass reads module-level statements and functions only (what other modules
    can import), never a class body, so it need not parse one. A body becomes
    `<indent>pass` and empty lines, so the lines that are kept keep their numbers.
    """
    if "class" not in text or not _lines_modelled(text):
        return None
    bodies: list[_Block] = []
    for block in _split_scope(text, 0, len(text), "").blocks:
        body = _class_body(text, block)
        if body is not None:
            bodies.append(body)
    return _blank_out(text, bodies) if bodies else None


def _lines_modelled(text: str) -> bool:
    """Whether `text` holds no form feed or lone CR (they move lines or columns)."""
    return "\f" not in text and ("\r" not in text or text.count("\r") == text.count("\r\n"))


def _class_body(text: str, block: _Block) -> _Block | None:
    """The body of a class block as a block of its own, when it is sure where it lies."""
    if not block.is_class or not _surely_whole(text, block):
        return None
    body = _header_end(text, block.header, block.end)
    first = None if body is None else _FIRST_BODY_LINE.search(text, body - 1, block.end)
    if first is None:
        return None
    indent = first.group(1)
    if len(indent) <= len(block.indent) or not indent.startswith(block.indent):
        return None
    start = first.start() + 1
    return _Block(start, block.end, start, block.name, indent, False, False, block.indent)


# --- splitting ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _statements(indent: str) -> re.Pattern[str]:
    return re.compile(_STATEMENT.format(indent=re.escape(indent)))


@functools.lru_cache(maxsize=32)
def _definitions(indent: str) -> re.Pattern[str]:
    return re.compile(_DEFINITION_START.format(indent=re.escape(indent)))


@functools.lru_cache(maxsize=32)
def _code_outside(indent: str) -> re.Pattern[str]:
    """A line that looks like code and is not indented deeper than `indent`."""
    return re.compile(rf"\n(?!{re.escape(indent)}[ \t])[ \t]*[^\s#]")


#: (start, start of the `def`/`class` line, name or None for other statements, is a class).
_Item = tuple[int, int, "str | None", bool]


def _split_scope(text: str, start: int, end: int, indent: str, outer: str | None = None) -> _Scope:
    """The blocks and the always-kept statements between `start` and `end`, at `indent`.

    `start` is 0 for a module, or the start of the first line of a class body. In a class
    body, `outer` is the class's indentation (see `_surely_whole`).
    """
    items = _items(text, start, end, indent)
    if not items:
        return _Scope([], [(start, end)])
    blocks: list[_Block] = []
    plain = [(start, items[0][0])]  # before the first statement: comments, blank lines
    for first, last, header, name, is_class, merged in _merge_open_strings(text, items, end):
        if name is None:
            plain.append((first, last))
        else:
            blocks.append(_Block(first, last, header, name, indent, is_class, merged, outer))
    return _Scope(blocks, plain)


def _items(text: str, start: int, end: int, indent: str) -> list[_Item]:
    """The `def`/`class` statements at `indent` (decorators included) and, between them,
    runs of other statements, each run one item.

    Only definitions and the statement after each are looked for, by regex: the Python
    work is per definition, not per line or statement.
    """
    definitions = _definitions(indent)
    statements = _statements(indent)
    items: list[_Item] = []
    # The newline before the first line; a module's first line has none, hence the -1.
    cursor = start - 1
    while cursor < end:
        found = _search_line(definitions, text, cursor, end)
        if found < 0:
            break
        if found > max(start, cursor + 1):
            items.append((max(start, cursor + 1), 0, None, False))
        header = found
        while text.startswith("@", header + len(indent)):
            header = _search_line(statements, text, header, end)
            if header < 0:
                break
        definition = _DEFINITION.match(text, header + len(indent)) if header >= 0 else None
        if definition is None:
            # decorators before anything else: never valid Python, left for the parser
            items.append((found, 0, None, False))
            break
        function, cls = definition.groups()
        items.append((found, header, function or cls, cls is not None))
        cursor = _search_line(statements, text, header, end) - 1
        if cursor < 0:
            return items
    if cursor < end and (not items or cursor + 1 > items[-1][0]):
        items.append((max(start, cursor + 1), 0, None, False))
    return items


def _search_line(pattern: re.Pattern[str], text: str, position: int, end: int) -> int:
    """Where the first line after `position` matching `pattern` starts, or -1.

    `pattern` starts with the newline before the line; `position` -1 also tries the first
    line of the text.
    """
    if position < 0:
        if pattern.match("\n" + text[:200], 0) is not None:  # a line at the very start
            return 0
        position = 0
    found = pattern.search(text, position, end)
    return -1 if found is None else found.start() + 1


def _merge_open_strings(
    text: str, items: list[_Item], end: int
) -> Iterator[tuple[int, int, int, str | None, bool, bool]]:
    """(start, end, header, name, is a class, merged) of each item; an item that opens a
    triple-quoted string (an odd count of quotes) is merged with the following ones until
    the string closes, as the lines of the string looked like statements."""
    region_start = items[0][0]
    doubles = text.find('"""', region_start, end) >= 0
    singles = text.find("'''", region_start, end) >= 0
    index = 0
    while index < len(items):
        first, header, name, is_class = items[index]
        following = index + 1
        last = items[following][0] if following < len(items) else end
        double = text.count('"""', first, last) if doubles else 0
        single = text.count("'''", first, last) if singles else 0
        merged = False
        while (double % 2 or single % 2) and following < len(items):
            merged = True
            following += 1
            after = items[following][0] if following < len(items) else end
            double += text.count('"""', last, after) if doubles else 0
            single += text.count("'''", last, after) if singles else 0
            last = after
        yield first, last, header, name, is_class, merged
        index = following


def _surely_whole(text: str, block: _Block) -> bool:
    """Whether the splitter is sure of a block's extent, so that it may be dropped.

    Not when it was merged over a string, when its brackets do not pair up or it ends in
    a backslash (a continuation at a lower indentation cut it short; brackets inside
    strings make this err towards keeping), or when a class member holds a line that looks
    like code at or left of the class's indentation: that line may be a statement outside
    the class which a miscounted string swallowed (it is usually a line of a string, such
    as SQL written at column 0).
    """
    if block.merged:
        return False
    start, end = block.start, block.end
    last = end - 1
    while last >= start and text[last].isspace():
        last -= 1
    if last >= start and text[last] == "\\":
        return False
    brackets = text[start:end].encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    if any(
        brackets.count(opening) != brackets.count(closing) for opening, closing in _BYTE_BRACKETS
    ):
        return False
    return block.outer is None or _code_outside(block.outer).search(text, start, end) is None


def _split_class(text: str, block: _Block) -> None:
    """Split a class into its members (recursively for nested classes), when it is sure how."""
    if text.find("def", block.header, block.end) < 0:
        return  # nothing to drop but nested classes without methods: not worth splitting
    body = _header_end(text, block.header, block.end)
    if body is None:
        return
    first = _FIRST_BODY_LINE.search(text, body - 1, block.end)
    if first is None:
        return
    indent = first.group(1)
    if len(indent) <= len(block.indent) or not indent.startswith(block.indent):
        return
    scope = _split_scope(text, first.start() + 1, block.end, indent, block.indent)
    block.members = _Members(scope.blocks, [(block.start, first.start() + 1), *scope.plain])


def _header_end(text: str, start: int, end: int) -> int | None:
    """Where the line after a class header starts (the header may span lines in brackets)."""
    depth = 0
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        if newline < 0:
            return None
        line = text[position:newline]
        depth += sum(line.count(opening) - line.count(closing) for opening, closing in _BRACKETS)
        position = newline + 1
        if depth <= 0:
            return position if line.split("#", 1)[0].rstrip().endswith(":") else None
    return None


# --- deciding ----------------------------------------------------------------------------------


def _is_punctuation(code: int) -> bool:
    """Whether a code point is ASCII and neither a letter, a digit nor `_`."""
    return code < 128 and not (chr(code).isalnum() or chr(code) == "_")


#: ASCII punctuation -> space, on UTF-8 bytes (where an ASCII byte is always an ASCII
#: character): `bytes.translate` is many times faster than `str.translate`, above all on a
#: text holding non-ASCII characters. Non-ASCII punctuation stays glued to words; it only
#: occurs in strings and comments.
_PUNCTUATION_TO_SPACE = bytes(32 if _is_punctuation(code) else code for code in range(256))


def _spaced(text: str) -> str:
    """`text` with ASCII punctuation replaced by spaces: its words are what `split` yields."""
    encoded = text.encode("utf-8", "surrogatepass")
    return encoded.translate(_PUNCTUATION_TO_SPACE).decode("utf-8", "surrogatepass")


def _mentions(text: str, name: str, start: int = 0, end: int | None = None) -> bool:
    """Whether `text[start:end]` holds `name` as a whole identifier."""
    end = len(text) if end is None else end
    position = text.find(name, start, end)
    while position >= 0:
        after = position + len(name)
        if (position == start or not _is_word_char(text[position - 1])) and (
            after == end or not _is_word_char(text[after])
        ):
            return True
        position = text.find(name, after, end)
    return False


def _is_word_char(character: str) -> bool:
    return character.isalnum() or character == "_"


def _module_names(text: str, markers: tuple[str, ...], module: _Scope) -> frozenset[str]:
    """Names the module binds, at the start of a line, to a value or an import holding a
    marker: `make = sessionmaker(...)`, `db = SQLAlchemy()`, `from x import Session as S`.
    (Only the first line of a value is read: it names the factory in all but odd layouts.)"""
    # The patterns start with the newline before a line: the first line is read on its own.
    first_line = "\n" + text[: text.find("\n") + 1 or len(text)]
    statements = _column_zero_statements(module)
    assignments = _ASSIGNMENT.findall(first_line)
    for start, end in statements:
        assignments.extend(_ASSIGNMENT.findall(text, max(start - 1, 0), end))
    names = {name for name, value in assignments if _has_marker(value, markers)}
    for imported in itertools.chain(_IMPORT.findall(first_line), _imports(text, statements)):
        if " as " in imported:
            names.update(
                alias
                for original, alias in _IMPORT_ALIAS.findall(imported)
                if _has_marker(original, markers)
            )
    return frozenset(names)


def _column_zero_statements(module: _Scope) -> list[tuple[int, int]]:
    """(start, end) of the parts of a module that can hold a line at column 0 other than a
    decorator or a `def`/`class` header: the module's other statements, and the blocks
    merged over a string (the splitter ends a block at any other such line)."""
    merged = [(block.start, block.end) for block in module.blocks if block.merged]
    return sorted(module.plain + merged)


def _imports(text: str, statements: list[tuple[int, int]]) -> Iterator[str]:
    """What `_IMPORT.findall(text)` yields, read in `statements` only (where such a line
    can start) but, for a bracketed import, up to its closing bracket wherever it is."""
    position = 0
    for start, end in statements:
        position = max(position, start - 1)
        while position < end:
            found = _IMPORT.search(text, position, end)
            if found is None:
                break
            if found.group(1).startswith("("):  # the closing bracket may lie beyond `end`
                found = _IMPORT.match(text, found.start()) or found
            yield found.group(1)
            position = found.end()


def _has_marker(text: str, markers: tuple[str, ...]) -> bool:
    return any(map(text.__contains__, markers))  # the loop in C: asked of every block


class _Decision:
    """The fixpoint of the keep rules over every scope of one module.

    Linear: the words of each block are read once (a block kept for its marker is only
    read once kept, and a class split into members never as a whole). A block not kept
    yet waits on its own name, to be kept when kept text mentions it, and on the names of
    its siblings it mentions, to be kept when one of those siblings is.
    """

    def __init__(self, text: str, markers: tuple[str, ...], own_names: frozenset[str]) -> None:
        self.text = text
        #: `text` spaced (`_spaced`) once: the words of a block are those of its slice.
        self.spaced = _spaced(text)
        self.markers = markers
        self.own_names = own_names
        #: Words of all kept text.
        self.kept_words: set[str] = set()
        #: Name -> blocks not kept yet that define it, in any scope.
        self.waiting: dict[str, list[_Block]] = {}
        #: Kept blocks whose consequences are not drawn yet, with their scope.
        self.pending: list[tuple[_Block, _Scope]] = []
        self.scope_of: dict[int, _Scope] = {}

    def dropped(self, module: _Scope) -> list[_Block]:
        """The blocks to drop, once nothing more is kept; a block the splitter is unsure
        of is kept instead (checked last, as few blocks get that far)."""
        self.add_scope(module)
        while True:
            self.run()
            dropped = _dropped_blocks(module.blocks)
            unsure = [block for block in dropped if not _surely_whole(self.text, block)]
            if not unsure:
                return dropped
            for block in unsure:
                self.keep(block, self.scope_of[id(block)])

    def words(self, start: int, end: int) -> list[str]:
        """The identifiers (and numbers) in `text[start:end]`, with repeats."""
        return self.spaced[start:end].split()

    def plain_words(self, ranges: list[tuple[int, int]]) -> list[str]:
        """The words of the statements in `ranges` (each ends a line, so no word spans two)."""
        return "".join([self.spaced[start:end] for start, end in ranges]).split()

    def add_scope(self, scope: _Scope) -> None:
        self.mention(self.plain_words(scope.plain))
        # Only functions: a class naming a kept class (its base, say) is not kept for it.
        names = {block.name for block in scope.blocks if not block.is_class}
        for block in scope.blocks:
            self.scope_of[id(block)] = scope
            if block.name in self.kept_words:
                self.keep(block, scope)
                continue
            if not scope.marker_free and self._holds_marker(block):
                self.keep(block, scope)
                continue
            block.marker_free = True
            self.waiting.setdefault(block.name, []).append(block)
            block.words = self.words(block.start, block.end)
            for name in names.intersection(block.words):
                scope.naming.setdefault(name, []).append(block)

    def _holds_marker(self, block: _Block) -> bool:
        """Whether a block's text holds a marker (none is cut off at its end: a block ends
        at a line's end or the text's, and no marker holds a newline) or a name of
        `_module_names`."""
        if _has_marker(self.text[block.start : block.end], self.markers):
            return True
        return any(_mentions(self.text, name, block.start, block.end) for name in self.own_names)

    def mention(self, words: list[str]) -> None:
        kept_words = self.kept_words
        known = len(kept_words)
        kept_words.update(words)
        if len(kept_words) == known or not self.waiting:
            return
        # No waiting name was in `kept_words`: those in it now are the newly mentioned.
        if len(self.waiting) < len(words):
            named = [name for name in self.waiting if name in kept_words]
        else:
            named = list(self.waiting.keys() & words)
        for name in named:
            for block in self.waiting.pop(name):
                self.keep(block, self.scope_of[id(block)])

    def keep(self, block: _Block, scope: _Scope) -> None:
        if not block.kept:
            block.kept = True
            self.pending.append((block, scope))

    def run(self) -> None:
        while self.pending:
            block, scope = self.pending.pop()
            if block.is_class:
                _split_class(self.text, block)
            if block.members is not None:
                self.mention(self.plain_words(block.members.shell))
                self.add_scope(_Scope(block.members.blocks, [], marker_free=block.marker_free))
            else:
                if block.words is None:
                    block.words = self.words(block.start, block.end)
                self.mention(block.words)
            for sibling in scope.naming.pop(block.name, ()):
                self.keep(sibling, scope)


def _dropped_blocks(blocks: list[_Block]) -> list[_Block]:
    dropped: list[_Block] = []
    for block in blocks:
        if not block.kept:
            dropped.append(block)
        elif block.members is not None:
            dropped.extend(_dropped_blocks(block.members.blocks))
    return dropped


def _blank_out(text: str, dropped: list[_Block]) -> str:
    """`text` with each dropped block replaced by `<indent>pass` and empty lines."""
    pieces: list[str] = []
    position = 0
    crlf = "\r" in text
    for block in dropped:
        pieces.append(text[position : block.start])
        first_line_end = text.find("\n", block.start, block.end)
        if first_line_end < 0:
            first_line_end = block.end
        elif text[first_line_end - 1] == "\r":
            first_line_end -= 1
        pieces.append(block.indent + "pass")
        if crlf:
            pieces.append(_NOT_LINE_END.sub("", text[first_line_end : block.end]))
        else:
            pieces.append("\n" * text.count("\n", first_line_end, block.end))
        position = block.end
    pieces.append(text[position:])
    return "".join(pieces)
