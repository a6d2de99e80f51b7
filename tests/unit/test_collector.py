"""The terminal app's collector policy: full passes wait for a pause in the keys (``tui.collector``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tui.collector import IDLE_SECONDS, Collector


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def collector_state() -> Iterator[None]:
    """Put the interpreter's collector back as it was, whatever the test did to it."""
    thresholds, enabled, callbacks = gc.get_threshold(), gc.isenabled(), list(gc.callbacks)
    try:
        yield
    finally:
        gc.callbacks[:] = callbacks
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()
        else:
            gc.disable()


def test_inert_until_resumed(collector_state: None) -> None:
    clock = Clock()
    collector = Collector(clock)
    clock.now += 10 * IDLE_SECONDS
    gc.collect(1)  # a young pass: something may have reached the oldest generation
    assert collector.tick() is False
    assert collector.passes == 0


def test_resume_freezes_what_exists_and_what_each_full_pass_leaves(collector_state: None) -> None:
    gc.disable()
    collector = Collector(Clock())
    collector.resume()
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    kept = [[index] for index in range(1000)]
    gc.collect(1)  # a young pass: nothing frozen
    assert gc.get_freeze_count() == frozen
    gc.collect()  # a full pass, as the collector makes one itself: what survives is frozen
    assert gc.get_freeze_count() >= frozen + len(kept)
    assert not gc.get_objects(2)


def test_a_full_pass_waits_for_a_pause_and_freezes_what_survives(collector_state: None) -> None:
    clock = Clock()
    collector = Collector(clock)
    collector.resume()
    kept = [[index] for index in range(5000)]  # survives the pass
    gc.collect(1)
    clock.now += IDLE_SECONDS / 2
    assert collector.tick() is False  # a key came half a second ago (resume counts as one)
    collector.touch()
    clock.now += IDLE_SECONDS / 2
    assert collector.tick() is False
    frozen = gc.get_freeze_count()
    clock.now += IDLE_SECONDS
    assert collector.tick() is True
    assert gc.get_freeze_count() >= frozen + len(kept)
    assert gc.get_count()[2] == 0
    assert collector.tick() is False  # nothing new since: no pass
    assert collector.passes == 1


def test_an_idle_pass_unfreezes_once_the_frozen_objects_doubled(collector_state: None) -> None:
    clock = Clock()
    collector = Collector(clock)
    collector.resume()

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    cycles = [Cycle() for _ in range(gc.get_freeze_count() + 10)]
    gc.collect(1)
    clock.now += 2 * IDLE_SECONDS
    assert collector.tick() is True  # the cycles are frozen with the rest: the frozen count doubled
    frozen, count = gc.get_freeze_count(), len(cycles)
    del cycles  # unreachable now (the list itself is freed by its count), but the cycles are frozen
    gc.collect()
    assert gc.get_freeze_count() > frozen - count
    gc.collect(1)
    clock.now += 2 * IDLE_SECONDS
    assert collector.tick() is True  # this pass unfreezes first: the cycles are freed
    assert gc.get_freeze_count() <= frozen - count
