"""The project's exception tree: the knowledge base's errors plus the pipeline's.

::

    AssistantError
    ├── UserInputError   (EmptyQueryError, QueryTooLongError, UnknownIntentError,
    │                     DuplicateQuestionError, FaqNotFoundError, CsvImportError)
    ├── StorageError     (DatabaseReadOnlyError, DatabaseLockedError)
    └── ModelError       a model's weights are missing or it failed to run
"""

from knowledge_base.errors import (
    AssistantError,
    CsvImportError,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    DuplicateQuestionError,
    EmptyQueryError,
    FaqNotFoundError,
    QueryTooLongError,
    StorageError,
    UnknownIntentError,
    UserInputError,
)


class ModelError(AssistantError):
    """A model could not be loaded or run; the message names the model and the setting to change."""


__all__ = [
    "AssistantError",
    "CsvImportError",
    "DatabaseLockedError",
    "DatabaseReadOnlyError",
    "DuplicateQuestionError",
    "EmptyQueryError",
    "FaqNotFoundError",
    "ModelError",
    "QueryTooLongError",
    "StorageError",
    "UnknownIntentError",
    "UserInputError",
]
