"""The one error every data loader raises: it says what is wrong and how to fix it."""


class DatasetError(ValueError):
    """A dataset is missing, corrupt, unknown or malformed.

    The message always names the file or dataset and the fix (a command to run or
    a folder to place files in). The CLI prints it as one line and exits with code 2.
    """
