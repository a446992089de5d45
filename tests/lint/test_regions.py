"""`_regions`: blank out the functions and classes that cannot matter, keeping every kept line.

Unit tests of the splitter (what is a block, where it ends) and of the keep rules, then a
property test on generated modules: the reduced text parses (or the full text is parsed
instead) and every line that is not blanked is the original line.
"""

from __future__ import annotations

import ast
import os
import textwrap

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from sessionsafe.lint import runner
from sessionsafe.lint._prefilter import BASE_MARKERS
from sessionsafe.lint._regions import reduce_source, without_class_bodies
from sessionsafe.lint.diagnostics import Diagnostic

FUZZ_EXAMPLES = int(os.environ.get("SESSIONSAFE_FUZZ_EXAMPLES") or 150)


def reduce(source: str, markers: tuple[str, ...] = BASE_MARKERS) -> str | None:
    return reduce_source(textwrap.dedent(source), markers)


def kept_lines(source: str, markers: tuple[str, ...] = BASE_MARKERS) -> list[str]:
    """The non-blank lines of the reduced text (the original's when nothing is dropped)."""
    text = textwrap.dedent(source)
    reduced = reduce_source(text, markers)
    result = text if reduced is None else reduced
    assert result.count("\n") == text.count("\n")
    ast.parse(result)
    return [line for line in result.splitlines() if line.strip()]


def assert_same_lines_kept(original: str, reduced: str) -> None:
    """Every line of `reduced` is the original line, blank, or `<indent>pass`."""
    before = original.split("\n")
    after = reduced.split("\n")
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        stripped = new.strip()
        if new == old or not stripped:
            continue
        assert stripped == "pass", (old, new)
        assert new[: len(new) - 4] == old[: len(new) - 4], (old, new)


# --- the splitter --------------------------------------------------------------------------


def test_nothing_to_drop_returns_none() -> None:
    assert reduce("import os\nx = 1\n") is None
    assert reduce("def f(session):\n    session.commit()\n") is None
    assert reduce("") is None


def test_a_function_without_marker_becomes_pass_and_blank_lines() -> None:
    source = """\
        import os

        def helper(x):
            y = x + 1
            return y

        def work(session):
            session.commit()
        """
    assert reduce(source) == textwrap.dedent(
        """\
        import os

        pass



        def work(session):
            session.commit()
        """
    )


def test_decorators_go_with_their_function() -> None:
    source = """\
        @app.route(
            "/x",
        )
        @cached
        def view():
            return 1

        def work(session):
            session.commit()
        """
    assert kept_lines(source) == ["pass", "def work(session):", "    session.commit()"]


def test_async_def_and_nested_classes() -> None:
    source = """\
        class Outer:
            class Inner:
                async def unrelated(self):
                    return 1

                async def work(self, session):
                    await session.commit()

            def other(self):
                return 2
        """
    assert kept_lines(source) == [
        "class Outer:",
        "    class Inner:",
        "        pass",
        "        async def work(self, session):",
        "            await session.commit()",
        "    pass",
    ]


def test_a_class_without_marker_or_mention_is_dropped_whole() -> None:
    source = """\
        class Plain:
            x = 1

            def method(self):
                return self.x

        def work(session):
            session.commit()
        """
    assert kept_lines(source)[0] == "pass"


def test_a_kept_class_keeps_its_header_attributes_and_gets_pass_for_all_dropped_members() -> None:
    source = """\
        class Model(Base):
            __tablename__ = "model"
            name: str = Column(String)

            def a(self):
                return 1

            def b(self):
                return 2

        def work(session):
            session.add(Model())
        """
    assert kept_lines(source) == [
        "class Model(Base):",
        '    __tablename__ = "model"',
        "    name: str = Column(String)",
        "    pass",
        "    pass",
        "def work(session):",
        "    session.add(Model())",
    ]


def test_comments_at_column_zero_inside_a_body_do_not_end_it() -> None:
    source = """\
        def work(session):
        # a comment at column 0
            session.commit()

        def helper():
        # another
            return 1
        """
    assert kept_lines(source) == [
        "def work(session):",
        "# a comment at column 0",
        "    session.commit()",
        "pass",
    ]


def test_a_triple_quoted_string_at_column_zero_inside_a_method() -> None:
    source = '''\
        class Repo:
            def query(self, session):
                sql = """
        SELECT 1
        def not_a_function():
            pass
        """
                return session.execute(sql)

            def unrelated(self):
                return """
        class NotAClass:
        """
        '''
    text = textwrap.dedent(source)
    reduced = reduce_source(text, BASE_MARKERS)
    # The method holding the string is kept whole; the lines of the strings never
    # become blocks of their own.
    result = text if reduced is None else reduced
    assert ast.dump(ast.parse(result).body[0].body[0]) == ast.dump(ast.parse(text).body[0].body[0])  # type: ignore[attr-defined]
    assert_same_lines_kept(text, result)


def test_a_string_at_column_zero_in_a_function_without_marker() -> None:
    source = '''\
        def helper():
            return """
        def lookalike():
            session.commit()
        """

        def work(session):
            session.commit()
        '''
    text = textwrap.dedent(source)
    result = reduce_source(text, BASE_MARKERS) or text
    assert_same_lines_kept(text, result)
    assert ast.dump(ast.parse(result).body[1]) == ast.dump(ast.parse(text).body[1])


def test_backslash_and_bracket_continuations_at_a_lower_indentation() -> None:
    source = """\
        def helper():
            x = 1 + \\
        2
            return x

        def other():
            y = foo(
        1)
            return y

        def work(session):
            session.commit()
        """
    text = textwrap.dedent(source)
    result = reduce_source(text, BASE_MARKERS) or text
    tree = ast.parse(result)
    assert [type(node).__name__ for node in tree.body] == ["FunctionDef"] * 3
    assert_same_lines_kept(text, result)


def test_multi_line_headers() -> None:
    source = """\
        class Model(
            Base,
            Mixin,
        ):
            def a(
                self,
                x,
            ) -> int:
                return x

            def work(
                self, session
            ):
                session.commit()
        """
    assert kept_lines(source) == [
        "class Model(",
        "    Base,",
        "    Mixin,",
        "):",
        "    pass",
        "    def work(",
        "        self, session",
        "    ):",
        "        session.commit()",
    ]


def test_crlf_line_endings_are_kept() -> None:
    text = "def helper():\r\n    return 1\r\n\r\ndef work(session):\r\n    session.commit()\r\n"
    assert reduce_source(text, BASE_MARKERS) == (
        "pass\r\n\r\n\r\ndef work(session):\r\n    session.commit()\r\n"
    )


def test_lone_carriage_returns_and_form_feeds_are_not_reduced() -> None:
    assert reduce_source("def helper():\r    return 1\r", BASE_MARKERS) is None
    assert reduce_source("\x0cdef helper():\n    return 1\n", BASE_MARKERS) is None


def test_tabs() -> None:
    text = (
        "class A:\n\tdef helper(self):\n\t\treturn 1\n\n\tdef work(self, session):\n"
        "\t\tsession.commit()\n"
    )
    assert reduce_source(text, BASE_MARKERS) == (
        "class A:\n\tpass\n\n\n\tdef work(self, session):\n\t\tsession.commit()\n"
    )


def test_columns_of_kept_lines_are_unchanged() -> None:
    text = textwrap.dedent(
        """\
        def helper():
            return 1

        class Service:
            def unrelated(self):
                pass

            def save(self, session):
                session.commit()
        """
    )
    reduced = reduce_source(text, BASE_MARKERS)
    assert reduced is not None
    full = {
        (n.lineno, n.col_offset, n.end_col_offset)
        for n in ast.walk(ast.parse(text))
        if isinstance(n, ast.Call)
    }
    kept = {
        (n.lineno, n.col_offset, n.end_col_offset)
        for n in ast.walk(ast.parse(reduced))
        if isinstance(n, ast.Call)
    }
    assert kept == full


# --- the keep rules ------------------------------------------------------------------------


def test_a_helper_a_kept_function_calls_is_kept() -> None:
    source = """\
        def handle_error(error):
            log(error)

        def unrelated():
            return 2

        def work(session):
            try:
                session.commit()
            except Exception as error:
                handle_error(error)
        """
    lines = kept_lines(source)
    assert "def handle_error(error):" in lines
    assert "def unrelated():" not in lines


def test_a_method_that_calls_a_kept_method_is_kept() -> None:
    source = """\
        class Service:
            def _save(self):
                self.session.commit()

            def create(self, item):
                self.items.append(item)
                self._save()

            def unrelated(self):
                return 1
        """
    lines = kept_lines(source)
    assert "    def create(self, item):" in lines
    assert "    def unrelated(self):" not in lines


def test_a_method_a_kept_method_calls_is_kept_and_so_on() -> None:
    source = """\
        class Service:
            def work(self, session):
                self.step_one()
                session.commit()

            def step_one(self):
                self.step_two()

            def step_two(self):
                return 1

            def unrelated(self):
                return 1
        """
    lines = kept_lines(source)
    assert "    def step_one(self):" in lines
    assert "    def step_two(self):" in lines
    assert "    def unrelated(self):" not in lines


def test_names_are_matched_as_whole_identifiers() -> None:
    source = """\
        def save():
            return 1

        def work(session):
            session.save_all()
        """
    assert "def save():" not in kept_lines(source)


def test_a_class_a_kept_function_mentions_is_kept() -> None:
    source = """\
        class Item:
            kind = "item"

            def describe(self):
                return 1

        def work(session):
            session.add(Item())
        """
    assert kept_lines(source)[:3] == ["class Item:", '    kind = "item"', "    pass"]


def test_names_the_module_binds_to_a_factory_are_markers() -> None:
    source = """\
        make = sessionmaker(bind=engine)
        from sqlalchemy.orm import Session as S

        def uses_make():
            s = make()
            s.close()

        def uses_alias():
            return S(engine)

        def unrelated():
            return maker()
        """
    lines = kept_lines(source)
    assert "def uses_make():" in lines
    assert "def uses_alias():" in lines
    assert "def unrelated():" not in lines


def test_names_are_read_in_module_statements_only_but_bracketed_imports_to_their_end() -> None:
    # Statements at column 0 are read between the blocks (and in a block merged over a
    # string); a bracketed import is read up to its closing bracket.
    source = """\
        def first():
            return 1
        from sqlalchemy.orm import (
            Query,
            sessionmaker as factory,
        )
        bind = engine

        def documented():
            '''
        make = sessionmaker()
            '''

        def uses_factory():
            return factory()

        def uses_make():
            return make()

        def unrelated():
            return bind
        """
    lines = kept_lines(source)
    assert "def uses_factory():" in lines
    assert "def uses_make():" in lines
    assert "def first():" not in lines
    assert "def unrelated():" not in lines
    assert "def documented():" in lines  # merged over its string: kept whole


def test_markers_given_by_the_caller_keep_blocks() -> None:
    source = """\
        def uses_provider():
            return get_conn()
        """
    assert reduce(source) is not None
    assert reduce(source, (*BASE_MARKERS, "get_conn")) is None


def test_module_level_statements_are_always_kept() -> None:
    source = """\
        import os

        if os.environ.get("X"):
            def inside_if():
                return 1
        try:
            import fast
        except ImportError:
            fast = None
        """
    assert reduce(source) is None


# --- the runner's parse for the check pass --------------------------------------------------

#: Marker-free functions, so that markers are sparse enough for the runner to reduce a file.
PADDING = "".join(f"def pad{n}(x):\n    return x + {n}\n\n\n" for n in range(100))


def test_the_check_pass_parses_the_reduced_text() -> None:
    text = PADDING + "def work(session):\n    session.commit()\n"
    tree = runner._parse_for_check(text, "x.py", BASE_MARKERS)
    assert isinstance(tree, ast.Module)
    assert all(isinstance(node, ast.Pass) for node in tree.body[:-1])
    assert isinstance(tree.body[-1], ast.FunctionDef)
    assert tree.body[-1].lineno == PADDING.count("\n") + 1


def test_a_file_dense_with_markers_is_parsed_whole() -> None:
    """Reducing costs more than it saves when nearly every block would be kept."""
    text = "def helper():\n    return 1\n\ndef work(session):\n    session.commit()\n"
    tree = runner._parse_for_check(text, "x.py", BASE_MARKERS)
    assert isinstance(tree, ast.Module)
    assert isinstance(tree.body[0], ast.FunctionDef)


def test_a_real_syntax_error_in_kept_code_is_reported_from_the_full_text() -> None:
    text = PADDING + "def work(session):\n    session.commit(\n\nx = 1\n"
    with pytest.raises(SyntaxError) as raised:
        ast.parse(text, filename="x.py")
    finding = runner._parse_for_check(text, "x.py", BASE_MARKERS)
    assert isinstance(finding, Diagnostic)
    assert (finding.code, finding.line, finding.message) == (
        "SES901",
        raised.value.lineno,
        f"syntax error: {raised.value.msg}",
    )


def test_a_mis_split_falls_back_to_the_full_text() -> None:
    # The bracket continuation at column 0 cuts `helper` short; its unbalanced first part
    # is kept, but a balanced-looking split (a bracket in a string) is dropped, does not
    # parse, and the full text is parsed instead.
    text = PADDING + (
        'def helper():\n    x = ")" + foo(\n1)\n    return x\n\n'
        "def work(session):\n    session.commit()\n"
    )
    reduced = reduce_source(text, BASE_MARKERS)
    assert reduced is not None
    with pytest.raises(SyntaxError):
        ast.parse(reduced)
    tree = runner._parse_for_check(text, "x.py", BASE_MARKERS)
    assert isinstance(tree, ast.Module)
    assert ast.dump(tree) == ast.dump(ast.parse(text))


# --- the project pass: class bodies --------------------------------------------------------


MODULE_WITH_CLASSES = textwrap.dedent(
    """\
    from sqlalchemy.orm import sessionmaker

    SessionLocal = sessionmaker()


    @dataclass
    class Repository(
        Base,
    ):
        \"\"\"Docstring.\"\"\"

        def save(self, session):
            session.commit()


    def handle_error(session):
        session.rollback()


    class Empty: pass
    """
)


def test_class_bodies_are_blanked_and_their_headers_kept() -> None:
    """The project pass never reads a class body: it becomes `pass` and blank lines, the
    decorators and the (multi-line) header stay, and functions and assignments are kept."""
    reduced = without_class_bodies(MODULE_WITH_CLASSES)
    assert reduced is not None
    assert_same_lines_kept(MODULE_WITH_CLASSES, reduced)
    kept = [line for line in reduced.splitlines() if line.strip()]
    assert kept == [
        "from sqlalchemy.orm import sessionmaker",
        "SessionLocal = sessionmaker()",
        "@dataclass",
        "class Repository(",
        "    Base,",
        "):",
        "    pass",
        "def handle_error(session):",
        "    session.rollback()",
        "class Empty: pass",
    ]
    tree = ast.parse(reduced)
    assert [type(node).__name__ for node in tree.body[2].body] == ["Pass"]


def test_a_module_without_a_class_body_to_blank_gives_none() -> None:
    assert without_class_bodies("def f():\n    return 1\n") is None
    assert without_class_bodies("class A: pass\n") is None


def test_a_class_whose_extent_is_unsure_is_kept_whole() -> None:
    """A string at column 0 inside a method could end the class early: it is not blanked."""
    source = 'class A:\n    def q(self):\n        return """\nselect 1\n"""\n\nx = 1\n'
    assert without_class_bodies(source) is None


# --- generated modules ---------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # odd escapes in generated code
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hypothesmith.from_grammar())
def test_generated_modules_keep_their_lines_and_parse_or_fall_back(source: str) -> None:
    try:
        full = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    # Markers no generated identifier holds, so that nearly every block may be dropped.
    for markers in (("\x00never",), BASE_MARKERS):
        reduced = reduce_source(source, markers)
        if reduced is None:
            continue
        assert_same_lines_kept(source, reduced)
        tree = runner._parse_for_check(source, "generated.py", markers)
        assert isinstance(tree, ast.Module)
    bodies_blanked = without_class_bodies(source)
    if bodies_blanked is not None:
        assert_same_lines_kept(source, bodies_blanked)
    assert full is not None
