"""`fromscratch gradescope`: placeholder until its module is written."""

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("gradescope", help="(not built yet)")
    command.set_defaults(run=lambda args: print("fromscratch gradescope: not built yet") or 2)
