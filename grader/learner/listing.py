"""`fromscratch list`: placeholder until its module is written."""

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("list", help="(not built yet)")
    command.set_defaults(run=lambda args: print("fromscratch list: not built yet") or 2)
