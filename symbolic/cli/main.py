"""Entry point of the ``relusym`` command-line tool.

Subcommands are discovered from the modules ``symbolic/cli/cmd_*.py``; each
defines ``register(subparsers)`` which adds its parser and sets
``func(args) -> int`` as the handler. Errors derived from
:class:`~symbolic.core.errors.RelusymError` are printed as one clear line (exit
code 2), never as a traceback; so are OSErrors (an unreadable input or output
file). Ctrl-C exits with 130 and no traceback. Any other exception is a bug: its
traceback is shown, followed by a line asking to report it (exit code 1).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from symbolic import __version__
from symbolic.core.errors import RelusymError

__all__ = ["build_parser", "main"]


def _command_modules(argv: list[str] | None) -> list[str]:
    """The ``cmd_*`` modules to import: only the chosen subcommand's when the command line
    names one (startup time: importing every command costs more than a warm command), all
    of them for ``--help``, a bare ``relusym`` or an unknown name (argparse then lists the
    valid ones)."""
    import symbolic.cli as pkg

    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)
                   if m.name.startswith("cmd_"))
    first = next((a for a in (argv or []) if not a.startswith("-")), None)
    if first is not None and argv and argv[0] == first:
        mod = "cmd_" + first.replace("-", "_")
        if mod in names:
            return [mod]
    return names


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``argv`` only the named subcommand is registered."""
    parser = argparse.ArgumentParser(
        prog="relusym",
        description="Symmetry-reduced critical points, spectra, series and certificates "
        "for two-layer ReLU networks with Gaussian inputs.",
    )
    parser.add_argument("--version", action="version", version=f"relusym {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_modules(argv):
        module = importlib.import_module(f"symbolic.cli.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the exit code (0 ok, 2 bad input, 130 interrupted)."""
    command = "?"
    try:
        if argv is None:
            argv = sys.argv[1:]
        parser = build_parser(list(argv))
        args = parser.parse_args(argv)
        command = getattr(args, "command", None) or "?"
        if not getattr(args, "func", None):
            parser.print_help()
            return 1
        return int(args.func(args) or 0)
    except RelusymError as exc:
        print(f"relusym {command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"relusym {command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # pragma: no cover - output piped into head & co.
        return 0
    except OSError as exc:
        where = f" {exc.filename!r}" if getattr(exc, "filename", None) else ""
        print(f"relusym {command}: error: cannot access{where}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    except RecursionError:
        print(f"relusym {command}: error: input nested too deeply", file=sys.stderr)
        return 2
    except Exception:
        import traceback

        traceback.print_exc()
        print(f"relusym {command}: internal error (a bug in relusym, not in your input). "
              "Please report it to the relusym maintainers with the command line and "
              "the traceback above",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
