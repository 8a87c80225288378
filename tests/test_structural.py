"""Structural (JSON path) argument fragments, as Gemini / Vertex stream them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness import events as ev
from harness.reducer import Reducer
from harness.structural import StructuralArguments, parse_path


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        ("$", []),
        ("$.a", ["a"]),
        ("$.location", ["location"]),
        ("$['a b']", ["a b"]),
        ('$["a b"]', ["a b"]),
        ("$['']", [""]),
        ("$.a[0].b", ["a", 0, "b"]),
        ("$.recipe.ingredients[0].name", ["recipe", "ingredients", 0, "name"]),
        ("$[3]", [3]),
        ("$.a[10][2]", ["a", 10, 2]),
        ("$._x1", ["_x1"]),
        ("$['0']", ["0"]),
    ],
)
def test_parse_path(path, segments):
    assert parse_path(path) == segments


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        ("$['it\\'s']", ["it's"]),
        ('$["say \\"hi\\""]', ['say "hi"']),
        ("$['back\\\\slash']", ["back\\slash"]),
    ],
)
def test_parse_path_unescapes_quoted_names(path, segments):
    # RFC 9535 2.3.1.2: escapes inside a quoted name selector stand for the character they escape.
    assert parse_path(path) == segments


@pytest.mark.parametrize("path", ["", "a", "a.b", "$.", "$..a", "$[-1]", "$[a]", "$['a'", "$.a[", "$.a[0",
                                  "$.1a", "$ .a", "$.a.", "$[*]", "$.a[?(@.b)]", "$['a']x"])
def test_parse_path_rejects(path):
    assert parse_path(path) is None


def apply_all(fragments):
    args = StructuralArguments()
    problems = [args.apply(path, value, will_continue) for path, value, will_continue in fragments]
    return args, problems


def test_gemini_example_from_the_spec():
    # specs/gemini-mistral-bedrock.md A.8, Vertex with streamFunctionCallArguments (reassembly rules A.5)
    args, problems = apply_all([
        ("$.title", "Trip", True),
        ("$.title", " plan", False),
        ("$.tags[0]", "travel", False),
        ("$.priority", 2.0, False),
    ])
    assert problems == [None] * 4
    assert args.finish() == []
    assert args.value == {"title": "Trip plan", "tags": ["travel"], "priority": 2}
    assert list(args.value) == ["title", "tags", "priority"]  # first-appearance order


def test_gemini_example_through_the_reducer():
    reducer = Reducer()
    reducer.apply(ev.TurnStarted())
    reducer.apply(ev.ItemStarted(item_id="v1", kind="tool_call", name="save_note", call_id="v1"))
    for path, value, more in [("$.title", "Trip", True), ("$.title", " plan", False), ("$.tags[0]", "travel", False),
                              ("$.priority", 2, False)]:
        reducer.apply(ev.ToolCallFragment(item_id="v1", path=path, value=value, will_continue=more))
    reducer.apply(ev.ItemCompleted(item_id="v1"))
    reducer.apply(ev.TurnCompleted(stop="end_turn"))
    turn = reducer.finish()
    assert reducer.findings == []
    item = turn.item("v1")
    assert item.arguments == {"title": "Trip plan", "tags": ["travel"], "priority": 2}
    assert item.arguments_valid is True
    assert item.arguments_text is not None


def test_string_continues_only_while_open():
    args, problems = apply_all([("$.a", "x", False), ("$.a", "y", False)])
    assert args.value == {"a": "y"}  # closed: the second string replaces the first
    args, _ = apply_all([("$.a", "x", True), ("$.a", "y", True), ("$.a", "z", False), ("$.a", "new", False)])
    assert args.value == {"a": "new"}
    args, _ = apply_all([("$.a", "x", True), ("$.a", "y", False)])
    assert args.value == {"a": "xy"}


def test_open_string_replaced_by_a_non_string():
    args, problems = apply_all([("$.a", "x", True), ("$.a", 5, False)])
    assert problems == [None, None]
    assert args.value == {"a": 5}
    assert args.finish() == []


def test_open_paths_are_independent():
    args, _ = apply_all([("$.a", "1", True), ("$.b", "x", True), ("$.a", "2", False), ("$.b", "y", False)])
    assert args.value == {"a": "12", "b": "xy"}
    assert args.finish() == []


def test_path_left_open_is_reported_by_finish():
    args, _ = apply_all([("$.a[0].b", "par", True), ("$.a[0].b", "tial", True), ("$.c", 1, False)])
    left = args.finish()
    assert len(left) == 1
    assert "left open" in left[0]
    assert "b" in left[0]
    assert args.value == {"a": [{"b": "partial"}], "c": 1}
    assert args.finish() == []  # closed now


def test_array_padding_with_null():
    args, problems = apply_all([("$.a[2]", 1, False), ("$.a[0]", "x", False), ("$.m[1].k", True, False)])
    assert problems == [None] * 3
    assert args.value == {"a": ["x", None, 1], "m": [None, {"k": True}]}


def test_null_and_bool_values():
    args, _ = apply_all([("$.n", None, False), ("$.b", False, False)])
    assert args.value == {"n": None, "b": False}


@pytest.mark.parametrize(
    "fragments",
    [
        [("$.a", "x", False), ("$.a.b", 1, False)],  # a key segment into a string
        [("$.a", {}, False), ("$.a[0]", 1, False)],  # an index into an object
        [("$.a[0]", 1, False), ("$.a.b", 1, False)],  # a key into an array
        [("$.a", 3, False), ("$.a[1]", 1, False)],
    ],
)
def test_segments_that_do_not_fit_are_problems_not_exceptions(fragments):
    _, problems = apply_all(fragments)
    assert problems[0] is None
    assert isinstance(problems[-1], str) and problems[-1]


@pytest.mark.parametrize("path", ["$", "nope", "$[-1]", "$.a[x]"])
def test_bad_paths_are_problems(path):
    args, problems = apply_all([(path, 1, False)])
    assert isinstance(problems[0], str)
    assert args.value == {}


def test_root_index_is_a_problem():
    _, problems = apply_all([("$[0]", 1, False)])
    assert isinstance(problems[0], str)


def test_bad_fragment_through_the_reducer_is_assembly_005():
    reducer = Reducer()
    reducer.apply(ev.TurnStarted())
    reducer.apply(ev.ItemStarted(item_id="c", kind="tool_call"))
    reducer.apply(ev.ToolCallFragment(item_id="c", path="oops", value=1))
    reducer.apply(ev.ToolCallFragment(item_id="c", path="$.s", value="open", will_continue=True))
    reducer.apply(ev.ItemCompleted(item_id="c"))
    reducer.apply(ev.TurnCompleted(stop="tool_use"))
    turn = reducer.finish()
    assert [f.check for f in reducer.findings] == ["ASSEMBLY-005", "ASSEMBLY-006"]
    assert turn.item("c").arguments == {"s": "open"}


# -- property: one fragment per leaf (strings in pieces) reassembles the object ------------------------------

# RFC 9535 quoted names: quotes, backslashes and control characters would need escapes (tested above)
KEYS = st.text(st.characters(codec="utf-8", exclude_characters="'\\\"", exclude_categories=("Cc",)), max_size=6)
LEAVES = st.text(max_size=10)
TREES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, min_size=1, max_size=3) | st.dictionaries(KEYS, inner, min_size=1, max_size=3),
    max_leaves=8,
)
OBJECTS = st.dictionaries(KEYS, TREES, max_size=4)


def leaves(value, path="$"):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, f"{path}['{key}']")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaves(child, f"{path}[{index}]")
    else:
        yield path, value


# a quarter of the profile's examples: each one draws many times
FEWER = settings(max_examples=max(25, settings().max_examples // 4))


@FEWER
@given(OBJECTS, st.data())
def test_leaf_fragments_reassemble_the_object(value, data):
    args = StructuralArguments()
    for path, leaf in leaves(value):
        cuts = sorted(data.draw(st.sets(st.integers(0, len(leaf)), max_size=3)))
        pieces = [leaf[a:b] for a, b in zip([0, *cuts], [*cuts, len(leaf)])]
        for index, piece in enumerate(pieces):
            assert args.apply(path, piece, index < len(pieces) - 1) is None
    assert args.finish() == []
    assert args.value == value


@FEWER
@given(OBJECTS, st.data())
def test_interleaved_open_strings_reassemble(value, data):
    """Pieces of different leaves interleaved: each path keeps its own open string."""
    queues = []
    for path, leaf in leaves(value):
        cuts = sorted(data.draw(st.sets(st.integers(0, len(leaf)), max_size=3)))
        queues.append([(path, leaf[a:b]) for a, b in zip([0, *cuts], [*cuts, len(leaf)])])
    args = StructuralArguments()
    while any(queues):
        queue = data.draw(st.sampled_from([q for q in queues if q]))
        path, piece = queue.pop(0)
        assert args.apply(path, piece, bool(queue)) is None
    assert args.finish() == []
    # interleaving may change key insertion order, never the content
    assert args.value == value
