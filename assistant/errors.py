"""The project's exception tree: the knowledge base's errors plus the pipeline's.

::

    AssistantError
    ├── UserInputError   EmptyQueryError, QueryTooLongError, UnknownIntentError,
    │   │                DuplicateQuestionError, FaqNotFoundError, CsvImportError, BackupFileError
    │   ├── TooManyMessagesError  the per-session message limit was reached
    │   ├── AudioError   EmptyAudioError, SilentAudioError, CorruptAudioError, AudioTooLongError,
    │   │                AudioTooLargeError, UnsupportedAudioError
    │   └── ImageError   UnsupportedImageError, CorruptImageError, ImageTooLargeError, ImageTooSmallError
    ├── StorageError     DatabaseReadOnlyError, DatabaseLockedError, UploadStorageError, BackupError
    ├── ModelError       a model's weights are missing or it failed to run
    │   └── CheckpointError  a router checkpoint is missing, damaged or made for other encoders
    └── RetrainingBusyError  the router is already being retrained
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


class RetrainingBusyError(AssistantError):
    """A retraining of the router was asked for while another one runs."""


class TooManyMessagesError(UserInputError):
    """A chat session sent more messages than ``chat_max_messages`` within the window."""

    def __init__(self, retry_after_seconds: float) -> None:
        wait = max(1, round(retry_after_seconds))
        super().__init__(
            f"You are sending messages faster than I can answer them. Please wait {wait} seconds and send "
            "your message again; it is still in the box."
        )
        self.retry_after_seconds = retry_after_seconds


class UploadStorageError(StorageError):
    """An attachment could not be stored (the disk is full, or the folder cannot be written)."""

    def __init__(self, full: bool) -> None:
        reason = "our server has run out of space" if full else "our server could not save files just now"
        super().__init__(
            f"Sorry, I could not keep your attachment: {reason}. Your message was not sent and is still in "
            "the box; please try again later, or send it without the attachment."
        )
        self.full = full


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
    """Not PNG, JPEG, WebP, GIF, HEIC or AVIF."""


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
    "TooManyMessagesError",
    "UploadStorageError",
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
