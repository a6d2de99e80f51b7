"""What Huddle means: models, pure rules and use-case services. Standard library only."""

from domain.lean_imports import import_lean

import_lean("dataclasses")  # before any domain module imports it: see domain/lean_imports.py
import_lean("uuid")  # before orjson imports it
import_lean("urllib.parse")  # before pathlib imports it
