"""Turns a routed intent and the ranked FAQ hits into what the assistant does next."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.types import IntentPrediction, SearchResult, Source

NO_MATCH_TEXT = (
    "I'm sorry, I couldn't find an answer to that in our help centre. "
    "Could you tell me a bit more, or ask to talk to a person?"
)
CLARIFY_TEXT = "I'm not completely sure what you mean. Is it one of these?"
PICTURE_ONLY_TEXT = "Thanks for the picture! What would you like to know about it?"


@dataclass(frozen=True)
class Decision:
    action: str
    text: str
    sources: tuple[Source, ...] = ()
    suggestions: tuple[Source, ...] = ()


def route_from_hits(result: SearchResult) -> IntentPrediction:
    """Intent of the best-ranked entry, with the hybrid score as confidence."""
    if not result.hits:
        return IntentPrediction(intent="out_of_scope", confidence=0.0, out_of_scope=True)
    by_intent: dict[str, float] = {}
    for hit in result.hits:
        by_intent.setdefault(hit.intent, hit.score)
    best = result.hits[0]
    return IntentPrediction(
        intent=best.intent,
        confidence=best.score,
        top_k=tuple(by_intent.items()),
        out_of_scope=not result.confident,
    )


def decide(result: SearchResult, *, suggestions: int) -> Decision:
    """Answer with the curated entry when confident; otherwise offer the closest questions."""
    if result.confident and result.best is not None:
        best = result.best
        return Decision("answer", best.answer, sources=(Source(best.faq_id, best.question, best.score),))
    closest = tuple(Source(h.faq_id, h.question, h.score) for h in result.hits[:suggestions])
    if not closest:
        return Decision("no_match", NO_MATCH_TEXT)
    lines = "\n".join(f"- {s.question}" for s in closest)
    return Decision("clarify", f"{CLARIFY_TEXT}\n{lines}", suggestions=closest)


def describe_product(product) -> Decision:
    """What a customer wants to know about the product in their photo: name, price, sizes in stock."""
    in_stock = [size for size in product.sizes if product.stock.get(size, 0) > 0]
    sizes = f"In stock in {', '.join(in_stock)}." if in_stock else "It is sold out in every size right now."
    text = (
        f"This looks like our {product.name} ({product.category}, SKU {product.sku}), "
        f"EUR {product.price:.2f}. {product.description} {sizes}"
    )
    return Decision("product", text)
