"""The test console's formatting of an inspection (the shape of ``Assistant.inspect``'s result)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.types import IntentPrediction, UserTurn
from knowledge_base.db import session_scope
from knowledge_base.repositories.faqs import FaqFields, add_faq
from knowledge_base.retrieval import Hit
from ui.console.test_console import HIT_COLUMNS, hits_frame, intents_frame, run_inspection, summary_markdown


@dataclass(frozen=True)
class Inspection:
    prediction: IntentPrediction
    hits: list[Hit]
    action: str
    text: str
    transcript: str | None = None
    ocr_text: str | None = None
    products: tuple[dict, ...] = ()


HITS = [
    Hit(faq_id=7, question="How long does delivery take?", answer="3-5 days.", intent="shipping_info",
        score=0.81234, dense=0.9, lexical=0.72468, bm25=31.6),
    Hit(faq_id=9, question="Do you ship abroad?", answer="Yes.", intent="shipping_info",
        score=0.4, dense=0.6, lexical=0.2, bm25=3.0),
]
ROUTED = IntentPrediction("shipping_info", 0.873, top_k=(("shipping_info", 0.873), ("order_status", 0.1)))


def test_summary_names_intent_action_reply_and_what_was_read():
    inspection = Inspection(
        prediction=ROUTED, hits=HITS, action="answer", text="3-5 days.", transcript="how long is delivery",
        ocr_text="Order FG-100060",
        products=({"name": "Essential Organic Cotton Tee", "sku": "FG-TS-001", "score": 0.71},),
    )
    assert summary_markdown(inspection).split("\n\n") == [
        "**Intent:** `shipping_info` (confidence 0.873)",
        "**Action:** `answer`",
        "**Reply:** 3-5 days.",
        "**Transcript:** how long is delivery",
        "**Words in the image:** Order FG-100060",
        "**Product match:** Essential Organic Cotton Tee (FG-TS-001), score 0.710",
    ]


def test_out_of_scope_is_flagged():
    unsure = Inspection(IntentPrediction("out_of_scope", 0.4, out_of_scope=True), [], "no_match", "Sorry.")
    assert summary_markdown(unsure).startswith("**Intent:** `out_of_scope` (confidence 0.400) — out of scope")


def test_hits_are_ranked_with_each_signal():
    frame = hits_frame(Inspection(ROUTED, HITS, "answer", "3-5 days."))
    assert list(frame.columns) == HIT_COLUMNS
    assert frame.values.tolist()[0] == [
        1, 7, "How long does delivery take?", "shipping_info", 0.8123, 0.9, 0.7247, 31.6]
    assert list(frame["rank"]) == [1, 2]


def test_intents_fall_back_to_the_routed_one():
    assert intents_frame(Inspection(ROUTED, [], "answer", "")).values.tolist() == [
        ["shipping_info", 0.873], ["order_status", 0.1]]
    bare = Inspection(IntentPrediction("greeting", 0.5), [], "answer", "Hello!")
    assert intents_frame(bare).values.tolist() == [["greeting", 0.5]]


@dataclass
class RetrievalInspector:
    """Inspects a turn with real retrieval: the best hit's intent is the routed intent."""

    sessions: object
    retriever: object
    turns: list[UserTurn] = field(default_factory=list)

    def inspect(self, turn: UserTurn) -> Inspection:
        self.turns.append(turn)
        with session_scope(self.sessions) as session:
            result = self.retriever.search(session, turn.text)
        best = result.best
        prediction = IntentPrediction(best.intent, best.score)
        return Inspection(prediction, result.hits, "answer" if result.confident else "clarify", best.answer)


def test_run_inspection_passes_text_and_image_to_the_pipeline(sessions, retriever, tmp_path):
    with session_scope(sessions) as session:
        add_faq(session=session, fields=FaqFields(question="How do I get a refund?", answer="Within 30 days.",
                                                  intent="return_refund"))
    inspector = RetrievalInspector(sessions, retriever)
    photo = tmp_path / "parcel.png"
    summary, hits, intents = run_inspection(inspector, "refund please", str(photo))
    assert inspector.turns == [UserTurn(text="refund please", images=(Path(photo),))]
    assert "`return_refund`" in summary and "**Reply:** Within 30 days." in summary
    assert hits.iloc[0]["question"] == "How do I get a refund?"
    assert intents.values.tolist()[0][0] == "return_refund"


def test_run_inspection_refuses_an_empty_query(sessions, retriever):
    inspector = RetrievalInspector(sessions, retriever)
    summary, hits, intents = run_inspection(inspector, "   ", None)
    assert summary == "Not run: Type a question or add an image to test."
    assert hits.empty and intents.empty and inspector.turns == []


def test_pipeline_refusal_is_shown_as_the_summary(sessions, retriever):
    summary, hits, _ = run_inspection(RetrievalInspector(sessions, retriever), "size " * 1000, None)
    assert summary.startswith("Not run: The message is 4,999 characters long; the limit is 2,000.")
    assert hits.empty
