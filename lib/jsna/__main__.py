"""Command line: ``python -m jsna build|data|params ...``.

* ``build``  – run the report series (jsna.runner.cli.main)
* ``data``   – fill data/raw from the mirror or official URLs (jsna.fetch.main); ``data add``
  takes in a new release of a catalogued file (jsna.release)
* ``params`` – write or check Place params files (jsna.geo.params_main)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

COMMANDS = {
    "build": ("jsna.runner.cli", "main", "run the report series: every topic notebook x Place -> HTML"),
    "data": ("jsna.fetch", "main", "fill data/raw from the mirror or the official URLs, verify checksums; "
                                   "`data add SOURCE_ID FILE` takes in a new release"),
    "params": ("jsna.geo", "params_main", "write a Place params file (params new <LA code>) or check them"),
}


def _usage() -> str:
    lines = ["usage: python -m jsna {build,data,params} [options]", "", "commands:"]
    lines += [f"  {name:8s} {help_}" for name, (_, _, help_) in COMMANDS.items()]
    lines.append("\nRun `python -m jsna <command> --help` for a command's options.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the command's module (imported lazily, so one command's dependencies
    never slow down or break another)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    cmd, rest = args[0], args[1:]
    if cmd not in COMMANDS:
        print(f"error: unknown command {cmd!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name, func_name, _ = COMMANDS[cmd]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        print(f"error: `python -m jsna {cmd}` is not available yet: module {module_name} is missing "
              "from this checkout.", file=sys.stderr)
        return 2
    func = getattr(module, func_name, None)
    if func is None:
        print(f"error: `python -m jsna {cmd}` is not available yet: {module_name}.{func_name}() "
              "is missing from this checkout.", file=sys.stderr)
        return 2
    result = func(rest)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
