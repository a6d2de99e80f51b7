"""Off-the-event-loop work for screens: the one write queue, undo, the meeting recorder, outbound work.

No Textual widget lives here: screens hand work in, results come back by callback or message.
"""
