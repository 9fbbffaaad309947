"""One exception base for every error insats raises on purpose.

Each error a user can cause (a broken parameters file, an export that breaks the data
contract, a report that would disclose a person …) is an :class:`InsatsError`. The command
line turns it into one clear message and the error's exit code, never a traceback:

- ``2``: the command was asked wrongly (parameters file, period, option);
- ``1``: the inputs or the run failed (data, disclosure, export, disk).

Subclasses keep their historical built-in base as well (``ParameterError`` is still a
``ValueError``) so callers that caught the built-in keep working.

>>> class Broken(InsatsError):
...     exit_code = 2
>>> Broken("no such period").exit_code
2
>>> isinstance(Broken("x"), InsatsError)
True
"""

from __future__ import annotations


class InsatsError(Exception):
    """Base of the errors insats raises for a user to read.

    ``exit_code`` is what ``insats`` exits with; :meth:`user_message` is what it prints.
    """

    exit_code: int = 1

    def user_message(self) -> str:
        """The text the command line prints (default: the exception's own text)."""
        return str(self)


class UsageError(InsatsError, ValueError):
    """The command was asked for something it cannot do (exit code 2)."""

    exit_code = 2
