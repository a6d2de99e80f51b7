"""Pure view models: what the screens show, computed from domain values without Textual."""
