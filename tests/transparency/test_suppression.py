"""Small counts of households are hidden and cannot be recovered from the totals."""

from hypothesis import given, settings
from hypothesis import strategies as st

from transparency.suppression import PRIMARY, SECONDARY, recoverable, suppress, suppress_tables

counts = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8)


def test_a_cell_below_five_shows_as_less_than_five():
    assert suppress([12, 3, 20]).shown[1] == PRIMARY


def test_one_hidden_cell_next_to_a_total_hides_a_second_cell():
    result = suppress([12, 3, 20])
    # Otherwise 35 - 12 - 20 gives the 3 back.
    assert result.shown == ["*", "<5", "20"]
    assert result.total == "35"


def test_two_cells_of_four_would_give_each_other_away_so_the_total_goes():
    result = suppress([4, 4])
    assert result.shown == ["<5", "<5"] and result.total == SECONDARY


def test_zero_is_not_a_small_cell():
    assert suppress([0, 7, 9]).shown == ["0", "7", "9"]


@settings(max_examples=300, deadline=None)
@given(counts)
def test_no_hidden_cell_can_be_worked_out_from_what_is_shown(values):
    result = suppress(values)
    assert recoverable(result.shown, result.total) == []
    for value, shown in zip(values, result.shown, strict=True):
        if 0 < value < 5:
            assert shown == PRIMARY  # every small cell is hidden
        elif shown not in (PRIMARY, SECONDARY):
            assert int(shown) == value  # and what is shown is true
    if result.total not in (PRIMARY, SECONDARY):
        assert int(result.total) == sum(values)


@settings(max_examples=200, deadline=None)
@given(counts, st.randoms())
def test_two_breakdowns_of_one_total_hide_the_total_together(values, rnd):
    total = sum(values)
    other = list(values)
    rnd.shuffle(other)
    (a, b), headline = suppress_tables([values, other], total)
    assert a.total == b.total == headline
    for table in (a, b):
        assert recoverable(table.shown, table.total) == []


def test_the_reader_could_solve_a_single_hidden_cell_which_is_why_more_are_hidden():
    # The checker itself finds the leak it guards against.
    assert recoverable(["12", PRIMARY, "20"], "35") == [1]
