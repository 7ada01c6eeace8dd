"""The ``relusym`` command line. Each subcommand lives in its own module ``cmd_<name>.py``
exposing ``register(subparsers)``; :mod:`symbolic.cli.main` discovers them."""
