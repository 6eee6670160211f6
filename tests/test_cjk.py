"""pipeline.cjk as a module: its patterns and their compilation."""

from __future__ import annotations

import subprocess
import sys


def test_cjk_patterns_compile_on_first_use_and_rebind():
    """cjk's module-level patterns are compiled on first use and the module
    name is then the compiled pattern itself (no proxy on the hot path);
    every one of them compiles; the result of a match is unchanged."""
    code = ("import pipeline.cjk as c, regex\n"
            "lazy = [k for k, v in vars(c).items() if isinstance(v, c._Lazy)]\n"
            "assert len(lazy) > 40, len(lazy)\n"
            "assert c.han_count('江海区2025年') == 4\n"
            "assert isinstance(c._IDEOGRAPH, regex.Pattern)\n"
            "c.compile_all()\n"
            "assert not [k for k, v in vars(c).items() if isinstance(v, c._Lazy)]\n"
            "assert c.PLAN_TITLE is c.TITLE_END\n")
    subprocess.run([sys.executable, "-c", code], check=True)
