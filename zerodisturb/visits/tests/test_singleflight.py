"""One call does the work for everyone who asks for the same key at the same moment."""

from __future__ import annotations

import threading

import pytest

from zerodisturb.singleflight import SingleFlight


def start(target) -> threading.Thread:
    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_calls_that_come_while_one_works_share_its_result():
    flight = SingleFlight()
    inside, release = threading.Event(), threading.Event()
    runs, results = [], []

    def work():
        runs.append(1)
        inside.set()
        assert release.wait(10)
        return "facts"

    leader = start(lambda: results.append(flight.do("k", work)))
    assert inside.wait(10)
    followers = [start(lambda: results.append(flight.do("k", work))) for _ in range(5)]
    assert flight.wait_for_waiting("k", 5)
    release.set()
    for thread in [leader, *followers]:
        thread.join(10)

    assert len(runs) == 1
    assert sorted(results) == [("facts", False)] + [("facts", True)] * 5
    assert flight.in_flight() == 0


def test_a_failed_call_shares_no_error_each_waiting_call_does_the_work_itself():
    flight = SingleFlight()
    inside, release = threading.Event(), threading.Event()
    runs, results, errors = [], [], []

    def failing():
        runs.append("leader")
        inside.set()
        assert release.wait(10)
        raise RuntimeError("database gone")

    def leader():
        try:
            flight.do("k", failing)
        except RuntimeError as exc:
            errors.append(exc)

    def work():
        runs.append("follower")
        return "facts"

    first = start(leader)
    assert inside.wait(10)
    followers = [start(lambda: results.append(flight.do("k", work))) for _ in range(3)]
    assert flight.wait_for_waiting("k", 3)
    release.set()
    for thread in [first, *followers]:
        thread.join(10)

    assert len(errors) == 1
    assert runs == ["leader"] + ["follower"] * 3
    assert results == [("facts", False)] * 3
    assert flight.in_flight() == 0


def test_different_keys_do_not_wait_for_each_other_and_a_later_call_works_again():
    flight = SingleFlight()
    assert flight.do("a", lambda: 1) == (1, False)
    assert flight.do("b", lambda: 2) == (2, False)
    assert flight.do("a", lambda: 3) == (3, False)  # nothing in flight: no stale result
    with pytest.raises(ZeroDivisionError):
        flight.do("a", lambda: 1 / 0)
    assert flight.in_flight() == 0
