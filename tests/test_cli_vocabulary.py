"""One CLI vocabulary: every command that prints results accepts --json, and only the
chosen subcommand's module is imported (startup time)."""

import argparse
import subprocess
import sys

from symbolic.cli.main import _command_modules, build_parser

#: actions that write files instead of printing a result document
NO_JSON = {("atlas", "export")}


def _subparsers(parser):
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            return a.choices
    return {}


def test_every_command_accepts_json():
    parser = build_parser()
    cmds = _subparsers(parser)
    assert {"census", "spectrum", "series", "report", "atlas", "gd-census", "arcs",
            "regions", "overparam"} <= set(cmds)
    missing = []
    for name, p in cmds.items():
        subs = _subparsers(p)
        for sub_name, sp in (subs.items() if subs else [(None, p)]):
            if (name, sub_name) in NO_JSON:
                continue
            opts = {o for a in sp._actions for o in a.option_strings}
            if "--json" not in opts:
                missing.append(f"{name} {sub_name or ''}".strip())
    assert not missing, f"commands without --json: {missing}"


def test_only_the_chosen_command_is_imported():
    assert _command_modules(["census", "--d", "4"]) == ["cmd_census"]
    assert _command_modules(["gd-census"]) == ["cmd_gd_census"]
    assert len(_command_modules(["--help"])) == len(_command_modules(["nonsense"])) > 10
    out = subprocess.run([sys.executable, "-c",
                          "import sys; from symbolic.cli.main import build_parser; "
                          "build_parser(['families']); "
                          "print(sorted(m for m in sys.modules "
                          "if m.startswith('symbolic.cli.cmd')))"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['symbolic.cli.cmd_families']"


def test_k_greater_than_d_names_get_a_clear_answer_everywhere(capsys):
    """Every name of `relusym families --json` is understood by every --family command:
    the k = d + 1 names are taken by overparam (and series, for split families) and the
    k = d commands say what the name is instead of 'unknown family'."""
    import json

    from symbolic.cli.main import main

    assert main(["families", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    names = [f["name"] for f in doc["overparam_families"]]
    assert names
    for name in names:
        for argv in (["track", "--family", name, "--to", "20", "--quiet"],
                     ["spectrum", "--family", name, "--d", "8"],
                     ["transition", "--family", name]):
            assert main(argv) == 2
            err = capsys.readouterr().err
            assert "is a k = d + 1 family" in err and "unknown family" not in err, (argv, err)
