"""The sequencer: order by sequence number, report start, gaps, duplicates and late delivery."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from harness.providers.base import NativeEvent
from harness.sequencer import DUPLICATE_WINDOW, MAX_GAP_FINDINGS, Sequencer, sequence


def native(seq: int | None, frame: int | None = None, payload: str = "") -> NativeEvent:
    return NativeEvent(type="response.output_text.delta", data={"sequence_number": seq, "delta": payload or str(seq)},
                       frame=seq if frame is None else frame, offset=100 * (frame or 0), exchange=0, seq=seq)


def stream(seqs, frames=None) -> list[NativeEvent]:
    return [native(seq, frame=index if frames is None else frames[index]) for index, seq in enumerate(seqs)]


def checks(findings) -> list[str]:
    return [f.check for f in findings]


def seqs(natives) -> list[int | None]:
    return [n.seq for n in natives]


def test_empty_stream():
    assert sequence([]) == ([], [])


def test_clean_stream_starting_at_zero():
    ordered, findings = sequence(stream(range(6)))
    assert seqs(ordered) == list(range(6))
    assert findings == []


def test_fresh_stream_not_starting_at_zero():
    ordered, findings = sequence(stream([3, 4, 5]))
    assert seqs(ordered) == [3, 4, 5]
    assert checks(findings) == ["ORDER-002"]
    assert (findings[0].expected, findings[0].actual) == (0, 3)
    assert findings[0].location.seq == 3


def test_gap_is_reported_once_per_jump():
    ordered, findings = sequence(stream([0, 1, 4, 5, 9]))
    assert seqs(ordered) == [0, 1, 4, 5, 9]
    assert checks(findings) == ["ORDER-003", "ORDER-003"]
    assert [(f.expected, f.actual) for f in findings] == [(2, 4), (6, 9)]
    assert findings[0].location.frame == 2


def test_duplicate_later_copy_dropped():
    events = stream([0, 1, 1, 2])
    events[2] = native(1, frame=2, payload="other")
    ordered, findings = sequence(events)
    assert seqs(ordered) == [0, 1, 2]
    assert ordered[1].frame == 1  # the first copy is the one kept
    assert checks(findings) == ["ORDER-004"]
    assert findings[0].location.frame == 2
    assert "different" in findings[0].message


def test_identical_duplicate_is_described_as_such():
    events = [native(0, frame=0), native(0, frame=1)]
    _, findings = sequence(events)
    assert checks(findings) == ["ORDER-004"]
    assert "identical" in findings[0].message


def test_out_of_order_restored():
    ordered, findings = sequence(stream([0, 2, 1, 3]))
    assert seqs(ordered) == [0, 1, 2, 3]
    assert [n.frame for n in ordered] == [0, 2, 1, 3]
    assert checks(findings) == ["ORDER-005"]
    assert findings[0].location.seq == 1


def test_out_of_order_first_event_checks_start_on_restored_order():
    ordered, findings = sequence(stream([1, 0, 2]))
    assert seqs(ordered) == [0, 1, 2]
    assert checks(findings) == ["ORDER-005"]


def test_missing_numbers():
    events = [native(0), native(None, frame=1), native(2, frame=2)]
    ordered, findings = sequence(events)
    assert ordered == events  # left as delivered
    assert checks(findings) == ["ORDER-001"]
    assert findings[0].location.frame == 1
    assert "1 of 3" in findings[0].message


def test_resumed_after_cursor():
    assert checks(sequence(stream([6, 7, 8]), resumed_after=5)[1]) == []
    assert checks(sequence(stream([5, 6, 7]), resumed_after=5)[1]) == ["RESUME-007"]
    assert checks(sequence(stream([2, 3]), resumed_after=5)[1]) == ["RESUME-007"]
    late = sequence(stream([8, 9]), resumed_after=5)[1]
    assert checks(late) == ["RESUME-008"]
    assert (late[0].expected, late[0].actual) == (6, 8)


def test_resumed_stream_starting_at_zero_is_not_order_002():
    # a resume after cursor -1 is a fresh start; after cursor 0 a zero is a replay
    assert checks(sequence(stream([0, 1]), resumed_after=-1)[1]) == []
    assert checks(sequence(stream([0, 1]), resumed_after=0)[1]) == ["RESUME-007"]


def test_gap_findings_are_capped():
    numbers = [2 * n for n in range(MAX_GAP_FINDINGS + 10)]
    _, findings = sequence(stream(numbers))
    gaps = [f for f in findings if f.check == "ORDER-003"]
    assert len(gaps) == MAX_GAP_FINDINGS + 1
    assert "more gaps" in gaps[-1].message


# -- properties -----------------------------------------------------------------------------------------


@given(st.integers(1, 40).flatmap(lambda n: st.permutations(range(n))))
def test_any_permutation_is_restored(order):
    events = stream(order)
    ordered, findings = sequence(events)
    assert seqs(ordered) == sorted(order)
    assert [n.frame for n in ordered] == [order.index(s) for s in sorted(order)]
    expected = [] if list(order) == sorted(order) else ["ORDER-005"]
    assert checks(findings) == expected


@given(st.integers(3, 80).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(1, n - 2)))))
def test_deleting_interior_events_gives_one_gap_per_run(case):
    n, deleted = case
    kept = [s for s in range(n) if s not in deleted]
    runs = sum(1 for s in deleted if s - 1 not in deleted)
    ordered, findings = sequence(stream(kept))
    assert seqs(ordered) == kept
    assert all(f.check == "ORDER-003" for f in findings)
    assert len(findings) == (runs if runs <= MAX_GAP_FINDINGS else MAX_GAP_FINDINGS + 1)
    listed = [(f.expected, f.actual) for f in findings[:MAX_GAP_FINDINGS]]
    jumps = [(a + 1, b) for a, b in zip(kept, kept[1:]) if b - a > 1]
    assert listed == jumps[:MAX_GAP_FINDINGS]


@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 10**6)), max_size=10))))
def test_duplicates_are_dropped_and_counted(case):
    n, copies = case
    events = stream(range(n))
    for seq, position in copies:
        original = next(i for i, e in enumerate(events) if e.seq == seq and e.frame < 1000)
        at = original + 1 + position % (len(events) - original)  # a copy comes after the original
        events.insert(at, native(seq, frame=1000 + len(events)))
    ordered, findings = sequence(events)
    assert seqs(ordered) == list(range(n))
    assert all(n.frame < 1000 for n in ordered)  # every kept event is an original
    assert checks(findings) == ["ORDER-004"] * len(copies)


@given(st.integers(1, 30).flatmap(lambda n: st.tuples(st.permutations(range(n)), st.lists(st.integers(0, n - 1)))))
def test_shuffled_with_duplicates_restores_the_original(case):
    order, duplicated = case
    events = stream(list(order) + list(duplicated))
    ordered, findings = sequence(events)
    assert seqs(ordered) == sorted(order)
    assert checks(findings).count("ORDER-004") == len(duplicated)
    assert set(checks(findings)) <= {"ORDER-004", "ORDER-005"}


@given(st.lists(st.integers(0, 25), max_size=60))
def test_streaming_order_is_the_whole_stream_sorted_with_first_copies(numbers):
    """Whatever arrives (repeats, gaps, any order), what goes on is each number's first copy, in
    number order: what sorting the whole stream would give, though the sequencer never sees it whole."""
    first: dict[int, int] = {}
    for frame, number in enumerate(numbers):
        first.setdefault(number, frame)
    ordered, findings = sequence(stream(numbers))
    assert [(n.seq, n.frame) for n in ordered] == sorted(first.items())
    assert checks(findings).count("ORDER-004") == len(numbers) - len(first)
    late = any(frame and number < max(numbers[:frame]) for number, frame in first.items())
    assert ("ORDER-005" in checks(findings)) == late


def test_an_in_order_stream_is_never_held():
    """Each event goes on before the next is read, so memory does not grow with the stream."""
    pulled = 0

    def arriving():
        nonlocal pulled
        for event in stream(range(50)):
            pulled += 1
            yield event

    sequencer = Sequencer()
    for went_on, native in enumerate(sequencer.order(arriving()), 1):
        assert pulled == went_on and native.seq == went_on - 1
    assert sequencer.findings == []


def test_events_after_a_gap_wait_until_it_fills():
    sequencer = Sequencer()
    out = sequencer.order(iter(stream([0, 2, 3, 1, 4])))
    assert [n.seq for n in out] == [0, 1, 2, 3, 4]
    assert checks(sequencer.findings) == ["ORDER-005"]


def test_a_repeat_from_far_back_is_dropped_without_comparing_payloads():
    """Payloads are kept for the last DUPLICATE_WINDOW numbers only, so memory stays flat."""
    events = stream([*range(DUPLICATE_WINDOW + 10), 0, DUPLICATE_WINDOW + 5])
    ordered, findings = sequence(events)
    assert seqs(ordered) == list(range(DUPLICATE_WINDOW + 10))
    assert checks(findings) == ["ORDER-004", "ORDER-004"]
    assert "too far back to compare" in findings[0].message
    assert "identical" in findings[1].message
