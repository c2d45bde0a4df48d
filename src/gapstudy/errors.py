"""The one exception type that ends a run with a single clear line and exit status 2."""


class GapstudyError(Exception):
    """A problem with the user's input or settings: the message names it and the fix."""

    exit_code = 2  # shell convention for usage errors (argparse, grep, diff use 2)
