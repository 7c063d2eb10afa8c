"""The project's one exception tree (``assistant.errors`` re-exports it and adds the pipeline's errors).

::

    AssistantError                  root; ``str(err)`` is a message a customer or staff member can act on
    ├── UserInputError              caused by what someone typed, uploaded or imported
    │   ├── EmptyQueryError
    │   ├── QueryTooLongError
    │   ├── UnknownIntentError
    │   ├── DuplicateQuestionError
    │   ├── FaqNotFoundError
    │   ├── CsvImportError          carries every bad row number with its reason
    │   └── BackupFileError         a file given to restore is not a backup of this assistant's database
    ├── StorageError                the database cannot be used as asked
    │   ├── DatabaseReadOnlyError
    │   ├── DatabaseLockedError
    │   └── BackupError             a backup or restore could not run (tools missing, wrong version, ...)
    └── ModelError                  a model could not be loaded or run (see assistant.errors)
"""

from __future__ import annotations

from collections.abc import Sequence


class AssistantError(Exception):
    """Root of every error the project raises on purpose."""


class UserInputError(AssistantError):
    """The input was wrong; the message says what to change."""


class EmptyQueryError(UserInputError):
    def __init__(self) -> None:
        super().__init__("The question is empty: type a few words about what you need.")


class QueryTooLongError(UserInputError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"The message is {length:,} characters long; the limit is {limit:,}. "
            "Please shorten it to the question itself."
        )
        self.length = length
        self.limit = limit


class UnknownIntentError(UserInputError):
    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(f"Unknown intent {name!r}. Known intents: {', '.join(sorted(known))}.")
        self.name = name


class DuplicateQuestionError(UserInputError):
    def __init__(self, question: str, existing_id: int) -> None:
        super().__init__(
            f"The question {question!r} already exists as FAQ entry {existing_id}; "
            "edit that entry instead or word the question differently."
        )
        self.existing_id = existing_id


class FaqNotFoundError(UserInputError):
    def __init__(self, faq_id: int) -> None:
        super().__init__(f"There is no FAQ entry with id {faq_id}.")
        self.faq_id = faq_id


class CsvImportError(UserInputError):
    """A CSV import was refused as a whole; ``problems`` maps row numbers (1 = header) to reasons."""

    def __init__(self, problems: dict[int, str]) -> None:
        rows = ", ".join(str(n) for n in sorted(problems))
        details = "; ".join(f"row {n}: {reason}" for n, reason in sorted(problems.items())[:20])
        super().__init__(f"Nothing was imported: fix row(s) {rows} and import again. {details}")
        self.problems = problems


class StorageError(AssistantError):
    """The database could not be read or written as asked."""


class DatabaseReadOnlyError(StorageError):
    def __init__(self, url: str) -> None:
        super().__init__(
            f"The database at {url} is read-only: nothing was changed. "
            "Give the assistant write permission on the file and its folder."
        )


class DatabaseLockedError(StorageError):
    def __init__(self, url: str) -> None:
        super().__init__(
            f"The database at {url} is locked by another program: nothing was changed. "
            "Try again in a moment, or stop the other writer."
        )


class BackupFileError(UserInputError):
    """A file given to ``assistant restore`` was refused; nothing was changed."""


class BackupError(StorageError):
    """A backup or restore could not be made; the message says what to install or fix."""
