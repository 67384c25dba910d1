"""Where templates come from: the layered folders, within the limits of `inputs`.

Jinja's own FileSystemLoader follows a link to any file on the machine and
opens a pipe or a device as if it were a template (and waits on it for ever).
This loader finds a template the same way (later folders win) but reads it
with `inputs.read_text`: regular files only, inside their folder, under the
size limit. A refused template is a `TemplateError` naming the file.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from . import inputs
from .errors import SourceSpan, TemplateError


class TemplateLoader(jinja2.FileSystemLoader):
    def get_source(self, environment, template):
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = posixpath.join(searchpath, *pieces)
            if os.path.lexists(filename):
                break
        else:
            raise jinja2.TemplateNotFound(template)
        try:
            contents = inputs.read_text(Path(filename), "template", root=Path(searchpath))
        except inputs.InputProblem as problem:
            from .library import display_path  # noqa: PLC0415

            raise TemplateError(SourceSpan(display_path(Path(filename)), problem.line), problem.code,
                                problem.message) from None
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate
