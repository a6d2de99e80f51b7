"""What leaves Huddle and what comes back to it from outside, with the I/O that takes.

- Export use cases (load through the services, render, name the file): ``tables``.
- CalDAV publishing (``caldav``) and RSVP intake from files and IMAP (``rsvp``, ``imap``, ``itip``),
  under one password policy (``secrets``).

No Textual, no ``tui``: the CLI and the TUI both call these functions, the screens from a thread.
Storage is reached only through ``domain.services``. Network libraries are imported inside the
functions that use them, so importing this package costs nothing on other CLI paths.
"""
