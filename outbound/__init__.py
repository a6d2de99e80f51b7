"""What leaves Huddle (CalDAV publishing) and what comes back from outside (RSVP replies).

No Textual, no ``tui``: the CLI and the TUI both call these functions, the screens from a thread.
Storage is reached only through ``domain.services``. Network libraries are imported inside the
functions that use them, so importing this package costs nothing on other CLI paths.
"""
