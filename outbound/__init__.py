"""What leaves Huddle and what comes back to it from outside, with the I/O that takes.

- Export use cases (load through the services, render, name and write the file): ``exporting``,
  ``tables``.
- Invites over SMTP (``delivery``), CalDAV publishing (``caldav``) and RSVP intake from files and IMAP
  (``rsvp``, ``imap``, ``itip``), under one password policy (``secrets``) and one copy of the
  connection settings' rules (``settings``).

No Textual, no ``tui``: the CLI and the TUI both call these functions, the screens from a thread;
what they need of the configuration is passed in (``settings`` dataclasses, ``delivery.DeliveryConfig``).
Storage is reached only through ``domain.services``. Network libraries are imported inside the
functions that use them, so importing this package costs nothing on other CLI paths.
"""
