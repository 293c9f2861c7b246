"""`fromscratch solution`: placeholder until its module is written."""

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("solution", help="(not built yet)")
    command.set_defaults(run=lambda args: print("fromscratch solution: not built yet") or 2)
