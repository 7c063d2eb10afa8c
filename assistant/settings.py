"""One settings object, read from ``ASSISTANT_*`` environment variables at start-up and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


SHOP_SPEECH_PROMPT = (
    "A customer's voice note to an online clothing store about an order, a return, sizes, payment "
    "or delivery. Hi, I have a question."
)
"""bench/speech.py: lowers base's WER on the espeak-ng voice notes (chosen on half the sentences)."""


HYBRID_DEFAULTS = {"sqlite": (0.5, 12.0), "postgresql": (0.6, 24.0)}
"""(dense weight, lexical saturation) per database, chosen on the tuning half by bench/retrieval.py."""

DEFAULT_MODEL_CONCURRENCY = 8
"""Chat turns worked on at once when ``model_concurrency`` is unset, on CPU and CUDA alike."""


class Settings(BaseSettings):
    """Every tunable of the assistant. Build it once (``Settings()``) and pass it to what needs it."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Folder for caches, uploads and checkpoints; the default SQLite file lives here too.",
    )
    database_url: str | None = Field(
        default=None,
        description="Any SQLAlchemy URL; default sqlite:///<data_dir>/assistant.db (WAL mode).",
    )
    text_model: str = Field(
        default="packaged:all-MiniLM-L6-v2",
        description="Sentence encoder: 'packaged:all-MiniLM-L6-v2' (ships offline) or a local model folder.",
    )
    device: str = Field(default="auto", description="'auto' (CUDA when present), 'cpu' or 'cuda'.")
    dense_weight: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="Weight of the dense signal in the hybrid score; unset, 0.5 on SQLite and 0.6 on "
        "PostgreSQL (each chosen by bench/retrieval.py for that database's lexical search).",
    )
    lexical_saturation: float | None = Field(
        default=None, gt=0.0,
        description="Lexical score at which the lexical signal reaches 0.5; unset, 12 on SQLite and 24 on "
        "PostgreSQL.",
    )
    answer_threshold: float = Field(
        default=0.50, ge=0.0, le=1.0, description="Hybrid score under which there is no confident match."
    )
    clear_winner_cosine: float = Field(
        default=0.50, ge=0.0, le=1.01,
        description="Cosine similarity from which the best FAQ entry is a confident match whatever its hybrid "
        "score, when it leads every other entry's by clear_winner_margin: in a small store the lexical half of "
        "the score stays low even for the right entry. Above 1 turns this off.",
    )
    clear_winner_margin: float = Field(
        default=0.15, ge=0.0, le=1.0,
        description="How far the best entry's cosine similarity must lead the next entry's (clear_winner_cosine).",
    )
    near_match_score: float = Field(
        default=0.72, ge=0.0, le=1.0,
        description="Hybrid score from which an FAQ entry answers a message even when the intent router "
        "calls it out of scope: the message is a near copy of the entry's question (an entry newer than the "
        "router, or the router's mistake); a wording with cosine similarity 0.9 or more counts too. 1 turns "
        "this off.",
    )
    own_entry_cosine: float = Field(
        default=0.45, ge=0.0, le=1.01,
        description="Cosine similarity to one of the store's own FAQ entries (imported or added, not the demo "
        "store's) from which a message the intent router calls out of scope is answered or offered that entry "
        "instead of refused: the router's out-of-scope examples were written against the demo store's entries. "
        "Above 1 turns this off.",
    )
    own_entry_order_answers: bool = Field(
        default=True,
        description="A message the intent router calls order_status, with no order number in play, that one of "
        "the store's own FAQ entries (not the demo store's) answers confidently gets that entry's answer, followed "
        "by an offer to check the order once its number is sent; false: it is asked for the order number. The "
        "router learned order_status from the demo store, whose order questions without a number all mean "
        "'where is my order?'.",
    )
    multilingual_answers: bool = Field(
        default=True,
        description="Answer messages written in another language from the FAQ entries' wordings with the "
        "packaged multilingual-e5-small, where the English search and router find nothing (or a message is "
        "in another alphabet).",
    )
    multilingual_answer_score: float = Field(
        default=0.88, ge=0.0, le=1.0,
        description="Multilingual cosine similarity from which the best entry answers a message in another "
        "language (chosen by bench/multilingual.py).",
    )
    multilingual_suggest_score: float = Field(
        default=0.84, ge=0.0, le=1.0,
        description="Multilingual cosine similarity from which the closest entries are offered to a message "
        "in another language.",
    )
    search_k: int = Field(default=5, ge=1, le=100, description="Hits returned by a search.")
    suggestions: int = Field(default=3, ge=1, le=10, description="Closest entries offered when unsure.")
    max_query_chars: int = Field(default=2000, ge=10, description="Longest accepted customer message.")
    whisper_model: str = Field(
        default="packaged:base",
        description="'packaged:base' (multilingual), 'packaged:tiny.en' (faster, English only), "
        "or any faster-whisper model name or local CTranslate2 folder.",
    )
    translate_speech: bool = Field(
        default=True, description="Translate non-English voice notes to English for routing."
    )
    vad_filter: bool = Field(default=True, description="Skip silence with Silero VAD before decoding.")
    speech_prompt: str | None = Field(
        default=SHOP_SPEECH_PROMPT,
        max_length=800,
        description="Text in the shop's own words (what customers ask about, product names) given to "
        "Whisper as its initial prompt, so it expects that vocabulary; empty for none. At most 800 "
        "characters (Whisper reads about 220 tokens of prompt).",
    )
    max_audio_seconds: float = Field(default=120.0, gt=0, description="Longest accepted voice note.")
    max_audio_bytes: int = Field(default=20_000_000, gt=0, description="Largest accepted audio file.")
    image_encoder: str = Field(
        default="auto",
        description="'auto' (CLIP when its weights are local, else the packaged backbone), 'clip' or "
        "'efficientnet'.",
    )
    clip_model: str = Field(default="ViT-B-32", description="open_clip architecture name.")
    clip_pretrained: str | None = Field(
        default=None,
        description="open_clip pretrained tag (needs a model hub or its cache) or a local checkpoint file.",
    )
    max_image_pixels: int = Field(
        default=40_000_000, gt=0, description="Largest accepted image (width x height)."
    )
    max_image_bytes: int = Field(default=20_000_000, gt=0, description="Largest accepted image file.")
    ocr_enabled: bool = Field(default=True, description="Read the words in every image.")
    store_name: str = Field(
        default="Ferngrove Apparel", min_length=1, max_length=80, pattern=r"^[^\x00-\x1f#*_`<>\[\]]+$",
        description="The store's name, shown in the chat's and the console's titles and on staff replies.",
    )
    currency: str = Field(
        default="EUR", min_length=1, max_length=8, pattern=r"^\S+$",
        description="Currency written before product prices (a code such as EUR or USD, or a sign such as $).",
    )
    order_prefix: str = Field(
        default="FG", pattern=r"^[A-Za-z]{0,6}$",
        description="Letters before the digits of the store's order numbers (FG in FG-100060); empty when "
        "its order numbers are digits only.",
    )
    order_digits: int = Field(default=6, ge=4, le=12, description="How many digits the store's order numbers have.")
    order_check: Literal["none", "email"] = Field(
        default="none",
        description="'email': an order's status is told only once the customer has also given the email "
        "address the order was placed with; 'none': the order number alone is enough.",
    )
    product_match_threshold: float = Field(
        default=0.6, ge=0.0, le=1.0,
        description="Photo similarity from which a customer's photo is taken to show that product.",
    )
    router: str = Field(
        default="fusion",
        pattern="^(fusion|retrieval)$",
        description="'fusion' (the trained text+image intent classifier, trained at start-up when its "
        "checkpoint is missing or stale) or 'retrieval' (the intent of the best FAQ hit).",
    )
    router_max_epochs: int = Field(
        default=60, ge=1, description="Most epochs a router training runs (early stopping usually ends it sooner)."
    )
    router_soup_runs: int = Field(
        default=2, ge=1, le=8,
        description="Router training runs averaged into one model (a model soup: better routing, no slower; "
        "training takes this many times as long). 1: a single run.",
    )
    router_tuned_text_layers: int = Field(
        default=2, ge=0, le=24,
        description="Top layers of the text encoder the router keeps its own copy of and tunes in training "
        "(0: it reads the encoder's output as it is, a smaller and faster router; see the README).",
    )
    batch_wait_ms: float = Field(
        default=0.0, ge=0,
        description="How long the first request of a micro-batch waits for others; 0 groups only the "
        "requests already waiting (they queue while the previous batch runs).",
    )
    max_batch_size: int = Field(default=32, ge=1, description="Largest micro-batch for the encoders.")
    host: str = Field(default="127.0.0.1", description="Address `assistant serve` listens on.")
    port: int = Field(default=7860, description="Port `assistant serve` listens on.")
    root_path: str = Field(default="", description="URL prefix when served behind a reverse proxy.")
    queue_max_size: int = Field(
        default=64, ge=1, description="Most chat turns waiting at once; past it customers are told it is busy."
    )
    model_concurrency: int | None = Field(
        default=None, ge=1,
        description="Chat turns worked on at the same time, shared by every handler that runs a model; "
        "default 8. Each model still runs one call at a time (concurrent calls to the encoders are "
        "micro-batched), so a typed question is not held up behind other turns' voice notes.",
    )
    staff_poll_seconds: float = Field(
        default=3.0, gt=0, description="How often an open chat checks for replies written by staff."
    )
    session_secret: str | None = Field(
        default=None, repr=False,
        description="Server-side secret from which the key that encrypts the conversation id kept in the "
        "customer's browser is derived (the secret itself never leaves the server); unset, a new key each "
        "start (conversations then come back after a reload but not after a restart).",
    )
    demo_staff_password: str | None = Field(
        default=None, repr=False,
        description="Password of the demo staff account made by `assistant seed --demo-staff`.",
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed staff sign-ins for one username within the window before it is locked."
    )
    login_max_failures_per_address: int = Field(
        default=20, ge=1,
        description="Failed staff sign-ins from one client address within the window before it is locked.",
    )
    login_failure_window_seconds: float = Field(
        default=900.0, gt=0, description="Window in which failed staff sign-ins are counted."
    )
    login_lockout_seconds: float = Field(
        default=900.0, gt=0, description="How long a locked username or address is refused, even with the right password."
    )
    chat_max_messages: int = Field(
        default=20, ge=1, description="Messages one chat session or conversation may send within the window."
    )
    chat_rate_window_seconds: float = Field(
        default=60.0, gt=0, description="Window of the per-session message limit."
    )
    max_attachments: int = Field(default=6, ge=1, description="Most files attached to one chat message.")

    def resolved_model_concurrency(self, device: str) -> int:
        """The shared limit for handlers that run models: the setting, else 8 on any ``device``.

        Turns wait for a model behind its own lock, not behind this limit: with one slot, a typed question
        queued behind a voice note's transcription (bench/load.py)."""
        if self.model_concurrency is not None:
            return self.model_concurrency
        return DEFAULT_MODEL_CONCURRENCY

    def resolved_hybrid_weights(self) -> tuple[float, float]:
        """(dense weight, lexical saturation): the settings, else the tuned values for the database."""
        tuned = HYBRID_DEFAULTS["postgresql" if self.resolved_database_url().startswith("postgresql") else "sqlite"]
        weight = self.dense_weight if self.dense_weight is not None else tuned[0]
        saturation = self.lexical_saturation if self.lexical_saturation is not None else tuned[1]
        return weight, saturation

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'assistant.db').resolve()}"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir
