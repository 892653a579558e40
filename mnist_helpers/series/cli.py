"""Command line: `python -m mnist_helpers {doctor,fetch,run,learner}` (see --help)."""

import argparse

from mnist_helpers import doctor
from mnist_helpers.data import ENV_VAR
from mnist_helpers.series import learner, runner


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m mnist_helpers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "doctor", help="check Python, TensorFlow, Keras and the MNIST file; exit 1 if anything is wrong"
    )
    commands.add_parser(
        "fetch", help=f"download and verify MNIST into the Keras cache (or check ${ENV_VAR})"
    )
    runner.add_arguments(
        commands.add_parser("run", help="execute the notebook series headlessly with papermill")
    )
    learner.add_arguments(commands.add_parser(
        "learner", help="write the learner edition: notebooks without outputs, checks and solutions, for a workshop"
    ))
    args = parser.parse_args(argv)
    if args.command == "doctor":
        return doctor.doctor()
    if args.command == "fetch":
        return doctor.fetch()
    if args.command == "learner":
        return learner.learner(args)
    return runner.run(args)
