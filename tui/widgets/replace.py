"""Replacing a container's children without the old and the new ones ever being there together.

``remove_children()`` only schedules the removal: the old widgets stay in the DOM (and in queries, and
on screen for a frame) until their prune is processed. Mounting the new ones straight after lets both
sets coexist, and rows with fixed ids can even collide. :func:`replace_children` awaits the removal
before it mounts, and when it is called again while a swap is under way, only the latest set is
mounted next: the end state is always the last call's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from weakref import WeakKeyDictionary, WeakSet

from textual.widget import Widget

_wanted: WeakKeyDictionary[Widget, tuple[Sequence[Widget], Callable[[], None] | None]] = WeakKeyDictionary()
_running: WeakSet[Widget] = WeakSet()


def replace_children(
    container: Widget, widgets: Sequence[Widget], *, then: Callable[[], None] | None = None
) -> None:
    """Remove ``container``'s children, wait until they are gone, then mount ``widgets`` and call ``then``."""
    _wanted[container] = (widgets, then)
    if container in _running or not container.is_attached:
        return
    _running.add(container)

    async def swap() -> None:
        try:
            while (job := _wanted.pop(container, None)) is not None:
                if not container.is_attached:
                    return
                new, after = job
                await container.remove_children()
                if new:
                    await container.mount_all(new)
                if after is not None:
                    after()
        finally:
            _running.discard(container)

    container.run_worker(swap(), group="replace-children", exit_on_error=False)


def swapping(container: Widget) -> bool:
    """True while a replacement of ``container``'s children is still under way (tests wait on this)."""
    return container in _running
