"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class GaitError(Exception):
    """A problem with the user's input or devices, explained in one line.

    Raised wherever the cause is outside the program (a wrong path, a file that is not a
    video, a port that does not open); the CLI prints it without a traceback.
    """
