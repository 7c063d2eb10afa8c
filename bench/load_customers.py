"""Simulated customers for the load benchmark: each one holds its own conversation and sends text, photo
and voice turns to the chat's public ``/send`` API over HTTP, as the page does, with think time between
turns.

A turn is timed from the POST that queues it to the SSE ``complete`` event that carries the stored answer;
attachments are uploaded first (as the page does when a file is attached), outside the timed part.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.screen_texts import KINDS as SCREEN_KINDS
from assistant.screens import render_screen
from tests.audio_samples import speak
from ui.chat_view import APOLOGY, MODEL_TROUBLE, STORAGE_TROUBLE

PHOTOS = Path(__file__).resolve().parent.parent / "knowledge_base" / "seed_data" / "photos"
TURN_KINDS = ("text", "photo", "voice")
RATE_LIMITED = "You are sending messages faster than I can answer them"
SERVER_TROUBLE = (APOLOGY, MODEL_TROUBLE, STORAGE_TROUBLE, RATE_LIMITED)
"""The chat's own words when a turn failed on the server's side or was refused by the per-session
message limit (a customer faster than ``ASSISTANT_CHAT_MAX_MESSAGES`` allows)."""

QUESTIONS = (
    "Can I pay with PayPal?",
    "how long does delivery to germany take",
    "I want to return the jacket I bought, how?",
    "do you ship to the UK?",
    "my discount code doesnt work at checkout",
    "Can I exchange these trousers for a larger size?",
    "how long does a refund take to reach my bank",
    "I forgot my password and cannot log in",
    "what is your return policy for sale items",
    "where is my order FG-100060",
    "is there a size guide for shoes",
    "can I change the delivery address after ordering",
)
OPENINGS = ("", "hi, ", "hello! ", "quick question: ")
CLOSINGS = ("", " thanks", " please", "??")
"""Customers rarely word a question the same way twice: each question is sent with one of these around it."""
PHOTO_WORDS = ("", "do you have this in medium?", "why does it say this?", "what is this about?")
SPOKEN = (
    "Where is my order? I placed it five days ago and it still has not arrived.",
    "Can I pay with PayPal or only with a credit card?",
    "How long does a refund take to reach my bank account?",
    "My discount code is not working at checkout.",
)


@dataclass(frozen=True)
class TurnPlan:
    kind: str
    text: str
    files: tuple[Path, ...] = ()


@dataclass
class TurnMaterials:
    """The texts, product photos, rendered screenshots and espeak-ng voice notes customers send."""

    photos: list[Path]
    screenshots: list[Path]
    voice_notes: list[Path]

    @classmethod
    def prepare(cls, folder: Path, kinds: tuple[str, ...] = TURN_KINDS, *, seed: int = 7) -> TurnMaterials:
        """Renders what the turn ``kinds`` need into ``folder`` (voice notes need espeak-ng)."""
        rng = random.Random(seed)
        folder.mkdir(parents=True, exist_ok=True)
        photos, screenshots, notes = [], [], []
        if "photo" in kinds:
            photos = sorted(PHOTOS.glob("FG-*.png"))
            for index, kind in enumerate(SCREEN_KINDS):
                screenshots.append(folder / f"screen-{index}-{kind}.png")
                render_screen(kind, rng).image.save(screenshots[-1])
        if "voice" in kinds:
            notes = [speak(sentence, folder / f"note-{i}.wav") for i, sentence in enumerate(SPOKEN)]
        return cls(photos, screenshots, notes)

    def plan(self, kind: str, rng: random.Random) -> TurnPlan:
        if kind == "text":
            return TurnPlan(kind, rng.choice(OPENINGS) + rng.choice(QUESTIONS) + rng.choice(CLOSINGS))
        if kind == "voice":
            return TurnPlan(kind, "", (rng.choice(self.voice_notes),))
        picture = rng.choice(self.photos if rng.random() < 0.5 else self.screenshots)
        return TurnPlan(kind, rng.choice(PHOTO_WORDS), (picture,))


@dataclass(frozen=True)
class TurnRecord:
    """One turn as the customer saw it."""

    customer: int
    kind: str
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class CustomerLog:
    conversation_id: str | None = None
    turns: list[TurnRecord] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(t.ok for t in self.turns)


class ChatApiError(Exception):
    """The chat's API refused or failed a turn."""


class ChatApi:
    """The chat's public Gradio API over plain HTTP: file upload and the ``/send`` handler."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.api = base_url.rstrip("/") + "/gradio_api"

    async def upload(self, path: Path) -> dict:
        with path.open("rb") as handle:
            response = await self.client.post(f"{self.api}/upload", files={"files": (path.name, handle)})
        response.raise_for_status()
        return {"path": response.json()[0], "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}

    async def send(self, text: str, files: list[dict], history: list, conversation_id: str | None):
        """Queue one turn and read its event stream; returns (history, conversation id) as stored."""
        body = {"data": [{"text": text, "files": files}, history, conversation_id]}
        response = await self.client.post(f"{self.api}/call/send", json=body)
        if response.status_code != 200:
            raise ChatApiError(f"HTTP {response.status_code}: {response.text[:200]}")
        event_id = response.json()["event_id"]
        event = None
        async with self.client.stream("GET", f"{self.api}/call/send/{event_id}") as stream:
            async for line in stream.aiter_lines():
                if line.startswith("event: "):
                    event = line[len("event: "):]
                elif line.startswith("data: ") and event in ("complete", "error"):
                    data = json.loads(line[len("data: "):])
                    if event == "error":
                        raise ChatApiError(f"error event: {str(data)[:200]}")
                    return data[1], data[2]
        raise ChatApiError("the event stream ended without a result")


def last_answer(history: list) -> str:
    """The text of the newest assistant entry of a Chatbot history as the API returns it."""
    for entry in reversed(history):
        if entry.get("role") == "assistant":
            content = entry.get("content")
            parts = content if isinstance(content, list) else [content]
            return " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in parts)
    return ""


@dataclass(frozen=True)
class CustomerOptions:
    mix: dict[str, float]
    """Share of each turn kind (text, photo, voice)."""
    think_seconds: float = 5.0
    """Mean pause between a customer's answer and their next turn (uniform between half and 1.5 times)."""
    turn_timeout_s: float = 180.0


async def run_customer(number: int, api: ChatApi, materials: TurnMaterials, options: CustomerOptions,
                       deadline: float, log: CustomerLog) -> None:
    """Turns until ``deadline`` (monotonic clock); the turn under way when it passes is finished."""
    rng = random.Random(1000 + number)
    kinds, weights = zip(*options.mix.items(), strict=True)
    history: list = []
    await asyncio.sleep(rng.uniform(0, options.think_seconds))  # customers do not all arrive at once
    while time.monotonic() < deadline:
        plan = materials.plan(rng.choices(kinds, weights)[0], rng)
        started = time.perf_counter()
        try:
            files = [await api.upload(path) for path in plan.files]
            started = time.perf_counter()
            history, log.conversation_id = await asyncio.wait_for(
                api.send(plan.text, files, history, log.conversation_id), options.turn_timeout_s)
            answer = last_answer(history)
            error = next((f"answered: {t}" for t in SERVER_TROUBLE if t in answer), "")
        except (ChatApiError, httpx.HTTPError, asyncio.TimeoutError, ValueError, KeyError) as failure:
            error = f"{type(failure).__name__}: {failure}"
        log.turns.append(TurnRecord(number, plan.kind, time.perf_counter() - started, not error, error))
        await asyncio.sleep(rng.uniform(0.5, 1.5) * options.think_seconds)
