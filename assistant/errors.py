"""The project's exception tree: the knowledge base's errors plus the pipeline's.

::

    AssistantError
    ├── UserInputError   EmptyQueryError, QueryTooLongError, UnknownIntentError,
    │   │                DuplicateQuestionError, FaqNotFoundError, CsvImportError, BackupFileError
    │   ├── AudioError   EmptyAudioError, SilentAudioError, CorruptAudioError, AudioTooLongError,
    │   │                AudioTooLargeError, UnsupportedAudioError
    │   └── ImageError   UnsupportedImageError, CorruptImageError, ImageTooLargeError, ImageTooSmallError
    ├── StorageError     DatabaseReadOnlyError, DatabaseLockedError, BackupError
    └── ModelError       a model's weights are missing or it failed to run
        └── CheckpointError  a router checkpoint is missing, damaged or made for other encoders
"""

from knowledge_base.errors import (
    AssistantError,
    BackupError,
    BackupFileError,
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


class CheckpointError(ModelError):
    """A router checkpoint folder cannot be used; retraining (``assistant train``) writes a new one."""


class AudioError(UserInputError):
    """A voice note that cannot be transcribed; the message tells the customer what to do."""


class EmptyAudioError(AudioError):
    """The file has no bytes or no audio samples."""


class SilentAudioError(AudioError):
    """The recording holds no speech."""


class CorruptAudioError(AudioError):
    """The file cannot be decoded (damaged, truncated, or not the format its name says)."""


class AudioTooLongError(AudioError):
    """The recording is longer than the duration limit."""


class AudioTooLargeError(AudioError):
    """The file is bigger than the size limit."""


class UnsupportedAudioError(AudioError):
    """The file is not one of the accepted audio formats."""


class ImageError(UserInputError):
    """An image that cannot be used; the message tells the customer what to do."""


class UnsupportedImageError(ImageError):
    """Not PNG, JPEG, WebP or GIF."""


class CorruptImageError(ImageError):
    """The file cannot be decoded."""


class ImageTooLargeError(ImageError):
    """Over the pixel or byte limit (also guards against decompression bombs)."""


class ImageTooSmallError(ImageError):
    """Too few pixels to show anything."""


__all__ = [
    "AssistantError",
    "AudioError",
    "AudioTooLargeError",
    "AudioTooLongError",
    "CorruptAudioError",
    "CorruptImageError",
    "EmptyAudioError",
    "ImageError",
    "ImageTooLargeError",
    "ImageTooSmallError",
    "SilentAudioError",
    "UnsupportedAudioError",
    "UnsupportedImageError",
    "BackupError",
    "BackupFileError",
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
