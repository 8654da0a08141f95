"""The Jinja2 environment the kit's HTML is rendered with: package templates, autoescape on.

Every ``{{ value }}`` is HTML-escaped (``autoescape=True``); only :class:`markupsafe.Markup` passes
unescaped, and the kit uses it only for HTML it built itself (a rendered section handed to an outer
template, its own stylesheet). Undefined names raise (``StrictUndefined``) instead of rendering as "".

Templates are written one tag a line for reading, but the pages they make are compact: before a template
is compiled, each of its lines is stripped of surrounding whitespace and the lines are joined with
nothing between them (:class:`CompactLines`). So whitespace between two lines of a template never reaches
the page (it would show inside ``white-space: pre-wrap`` source text); whitespace that must, such as the
space between two inline elements, is written inside one line. Text coming from a response or a source is
data, not template source, and is never touched.
"""

from __future__ import annotations

import functools

import jinja2
import jinja2.ext

__all__ = ["CompactLines", "environment"]


class CompactLines(jinja2.ext.Extension):
    """Strip each template line and join the lines with nothing between them, before compiling."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return "".join(line.strip() for line in source.splitlines())


@functools.cache
def environment(package: str) -> jinja2.Environment:
    """The environment for the templates in ``package``'s ``templates/`` folder (package data).

    Args:
        package: a package name, e.g. ``"webfetch_kit.citations"``.

    Returns:
        One environment per package, cached: templates compile once per process.
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=[CompactLines],
    )
