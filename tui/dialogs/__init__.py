"""Modal dialogs, one per module. They collect and check input and return it with ``dismiss``; they never
write: the screen that opened one hands the result to the app's write path (``tui.shell.shell_of``)."""
