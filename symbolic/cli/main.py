"""Entry point of the ``relusym`` command-line tool.

Subcommands are discovered from the modules ``symbolic/cli/cmd_*.py``; each
defines ``register(subparsers)`` which adds its parser and sets
``func(args) -> int`` as the handler. Errors derived from
:class:`~symbolic.errors.RelusymError` are printed as one clear line (exit
code 2), never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from symbolic import __version__
from symbolic.errors import RelusymError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relusym",
        description="Symmetry-reduced critical points, spectra, series and certificates "
        "for two-layer ReLU networks with Gaussian inputs.",
    )
    parser.add_argument("--version", action="version", version=f"relusym {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import symbolic.cli as pkg

    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if mod.name.startswith("cmd_"):
            module = importlib.import_module(f"symbolic.cli.{mod.name}")
            module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except RelusymError as exc:
        print(f"relusym {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # pragma: no cover - output piped into head & co.
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
