"""`fromscratch hint`: placeholder until its module is written."""

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("hint", help="(not built yet)")
    command.set_defaults(run=lambda args: print("fromscratch hint: not built yet") or 2)
