"""A bug of ours (not bad input) ends in one line, exit 70, and never a traceback."""

from __future__ import annotations

import subprocess
import sys


def test_an_internal_error_is_one_line_and_exit_70(tmp_path):
    script = (
        "import handouts.cli as cli\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('a bug')\n"
        "cli._library = broken\n"
        "import sys; sys.argv = ['handouts', 'build', '-o', sys.argv[1]]\n"
        "cli.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 70
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error (RuntimeError: a bug)" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
