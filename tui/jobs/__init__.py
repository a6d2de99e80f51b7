"""Off-the-event-loop work for screens: the one write queue, undo, the meeting recorder, outbound work.

No Textual widget lives here, and nothing here imports a screen, a widget or the app (an import-linter
contract): screens hand work in, results come back by callback or message.

- ``writes``: every change the app makes to the data file. Screens call ``shell_of(app).submit_write``;
  jobs run one at a time in thread workers; the meeting recorder, which keeps its own ordering thread
  (journal fsync first, then the data file), holds ``WriteQueue.exclusive`` around each write instead.
- ``undo``: this user's undo stack and the job that undoes, compared inside its own transaction.
- ``recorder``: the meeting's journal and data-file loops, reporting typed events.
- ``outbound``: exports, e-mail and calendar publishing in threads, ending with one message to the app.

Threading: the event loop only applies results. After a write (in its thread) or when the poll sees a
new version (in its thread), the app reads the store's snapshot once, then publishes ``data_changed``
on the loop; screens of the current mode reload from that cached snapshot, the others when shown again.
"""
