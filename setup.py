"""Build hook: compile the translation catalogs (``locale/*/LC_MESSAGES/huddle.po``) into the package.

Everything else about the package is in pyproject.toml. The compiled ``.mo`` files are not in the
repository; a wheel carries them under ``domain/locale/``, where ``domain.i18n`` looks first.
Babel is a build requirement only: at run time the standard library's gettext reads the ``.mo``.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """``build_py`` that also writes ``domain/locale/<ll_CC>/LC_MESSAGES/huddle.mo`` for each catalog."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable checkout reads locale/ itself; `make` compiles it there
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path("locale").glob("*/LC_MESSAGES/huddle.po")):
            target = Path(
                self.build_lib, "domain", "locale", po.parent.parent.name, "LC_MESSAGES", "huddle.mo"
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name, domain="huddle")
            with target.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogs})
