"""Words in images: the PP-OCRv4 detector and recogniser packaged in rapidocr-onnxruntime.

``OcrReader.read`` returns the recognised text boxes in reading order (rows top to bottom, boxes left to
right within a row), with boxes in the pixel coordinates of the image that was passed in.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from statistics import fmean
from typing import Any

import numpy as np
from PIL import Image

from assistant.errors import ModelError
from assistant.types import OcrLine

_NO_SPACE_BEFORE = frozenset(".,:;!?)]}%-_/@")
_NO_SPACE_AFTER = frozenset("([{-_/@#")
_PRICE_AHEAD = re.compile(r"\d{1,6}(?:[.,]\d{3})*[.,]\d{2}(?!\d)")
_PRICE_BEHIND = re.compile(r"\d[.,]\d{2}$")
_INSIDE_NUMBER = re.compile(r"\d[.,]\d{2,3}(?!\d)")


@dataclass(frozen=True)
class OcrOptions:
    min_confidence: float = 0.5
    """Recognition score under which a box is dropped. Icons read as stray characters ("口", "山", "?")
    mostly score under 0.5; words on clean screenshots score above 0.9. Boxes without a letter or
    digit (masked passwords, bullets) are dropped whatever their score."""
    max_side: int = 2000
    """Longest side, in pixels, the engine sees; larger images are shrunk first (boxes are mapped back
    to the original pixels). Desktop screenshots at 2x still fit; 4K captures are halved."""
    row_overlap: float = 0.5
    """Share of the shorter box's height two boxes must overlap vertically to sit in one row."""
    threads: int = 0
    """onnxruntime intra-op threads per model; 0 means one per CPU this process may use, at most 4
    (these small models gain little from more)."""
    detect_side: int = 736
    """Side length the text detector resizes to (see ``detect_limit``)."""
    detect_limit: str = "min"
    """'min': the shorter side is scaled up to ``detect_side`` when smaller (helps small text on phone
    screenshots); 'max': the longer side is scaled down to it when larger (faster on big captures)."""
    use_cuda: bool = False
    """Run on the GPU when onnxruntime-gpu is installed (the packaged onnxruntime is CPU-only)."""
    use_angle_classifier: bool = False
    """Screenshots are upright; skipping the 180-degree classifier saves time and never flips a word."""
    unclip_ratio: float = 1.6
    """How far the detector grows each text region; larger keeps underscores and descenders in the crop."""
    restore_spaces: bool = True
    """The recogniser (trained mostly on Chinese) often runs English words together; a space is put
    back where the pixels between two recognised characters show a word gap."""
    space_gap: float = 0.2
    """Narrowest word gap, as a share of the line height."""
    space_gap_vs_typical: float = 1.5
    """A word gap is also at least this many times the line's mean gap between two letters."""
    currency_sign: str = "€"
    """The recogniser's dictionary has no euro sign and skips it; an unread glyph right before or after
    a price is written as this sign. Empty turns it off."""


class OcrReader:
    """Builds the OCR engine once; ``read`` is safe to call from several threads (calls are serialised)."""

    def __init__(self, options: OcrOptions | None = None) -> None:
        self.options = options or OcrOptions()
        self._lock = threading.Lock()
        self._engine = _build_engine(self.options)

    def read(self, image: Image.Image) -> tuple[OcrLine, ...]:
        if image.width < 1 or image.height < 1:
            return ()
        small, scale_x, scale_y = _shrink(image, self.options.max_side)
        pixels = _to_bgr(small)
        result = self._run(pixels)
        gray = pixels.astype(np.int16).mean(axis=2) if self.options.restore_spaces else None
        lines = [line for raw in result if (line := self._to_line(raw, gray, scale_x, scale_y))]
        return reading_order(lines, self.options.row_overlap)

    def _run(self, pixels: np.ndarray) -> list[list[Any]]:
        opts = self.options
        try:
            with self._lock:
                # Keyword arguments overwrite the engine's thresholds on every call, so all are passed.
                result, _ = self._engine(
                    pixels,
                    use_cls=opts.use_angle_classifier,
                    return_word_box=opts.restore_spaces,
                    box_thresh=0.5,
                    unclip_ratio=opts.unclip_ratio,
                    text_score=opts.min_confidence,
                )
        except Exception as error:
            raise ModelError(f"The OCR engine (RapidOCR PP-OCRv4) failed on an image: {error}") from error
        return result or []

    def _to_line(self, raw: list[Any], gray: np.ndarray | None, sx: float, sy: float) -> OcrLine | None:
        points, text, score = raw[0], str(raw[1]), float(raw[2])
        if gray is not None and len(raw) >= 5 and len(raw[4]) == len(text) and text.strip():
            text = self._refine(text, raw[3], points, gray)
        text = " ".join(unicodedata.normalize("NFKC", text).split())
        if score < self.options.min_confidence or _is_junk(text):
            return None
        box = tuple((float(x) * sx, float(y) * sy) for x, y in points)
        return OcrLine(text=text, box=box, confidence=score)

    def _refine(self, text: str, char_boxes: list, points: list, gray: np.ndarray) -> str:
        """Puts back the word spaces and currency signs the recogniser left out, judging by the pixels
        between the recognised characters' positions."""
        xs, ys = [int(x) for x, _ in points], [int(y) for _, y in points]
        left, top = max(min(xs), 0), max(min(ys), 0)
        ink = _ink_columns(gray[top : max(ys) + 1, left : max(xs) + 1])
        if ink is None:
            return text
        height = max(ys) - top + 1
        kept = [i for i, char in enumerate(text) if not char.isspace()]
        chars = "".join(text[i] for i in kept)
        read_spaces = [False] + [b - a > 1 for a, b in zip(kept, kept[1:])]
        centres = [(char_boxes[i][0][0] + char_boxes[i][1][0]) / 2 - left for i in kept]
        pieces = self._spaced(chars, read_spaces, centres, ink, height)
        if self.options.currency_sign:
            _add_currency(pieces, chars, centres, ink, height, self.options.currency_sign)
        return "".join(pieces)

    def _spaced(self, chars: str, read_spaces: list[bool], centres: list[float], ink: np.ndarray,
                height: int) -> list[str]:
        """One piece per character, with a leading space where a word starts."""
        gaps = [_widest_gap(ink, a, b) for a, b in zip(centres, centres[1:])]
        # Letter pairs only: digits and punctuation leave wider gaps that would raise the typical one.
        letter_gaps = [g for g, a, b in zip(gaps, chars, chars[1:]) if a.isalpha() and b.isalpha()]
        typical = fmean(letter_gaps) if letter_gaps else 1.0
        floor = max(self.options.space_gap * height, 1.0)
        relative = self.options.space_gap_vs_typical * max(typical, 1.0)
        pieces = [chars[0]]
        for k, gap in enumerate(gaps, start=1):
            space = _is_word_gap(chars, k, read_spaces[k], gap, floor, relative)
            pieces.append(" " + chars[k] if space else chars[k])
        return pieces


def _is_junk(text: str) -> bool:
    """What icons, bullets and masked passwords read as: no letter or digit at all, or one lone
    symbol (the Chinese-trained recogniser reads a battery or box icon as "口")."""
    if not any(char.isalnum() for char in text):
        return True
    return len(text) == 1 and not (text.isascii() and text.isalnum())


def _add_currency(pieces: list[str], chars: str, centres: list[float], ink: np.ndarray, height: int,
                  sign: str) -> None:
    """A glyph no character was read from, right before or after a price, is the currency sign."""
    for start, end in _ink_runs(ink):
        if end - start < 0.25 * height or any(start - 2 <= c <= end + 2 for c in centres):
            continue
        after = next((k for k, c in enumerate(centres) if c > end), None)
        before = (after if after is not None else len(centres)) - 1
        if after is not None and centres[after] - end < height and _PRICE_AHEAD.match(chars, after):
            piece = pieces[after]
            pieces[after] = (" " if piece.startswith(" ") else "") + sign + piece.lstrip()
        elif before >= 0 and start - centres[before] < height and _PRICE_BEHIND.search(chars, 0, before + 1):
            pieces[before] += " " + sign


def _is_word_gap(chars: str, k: int, read_space: bool, gap: int, floor: float, relative: float) -> bool:
    """Does a word start at ``chars[k]``? ``chars`` is the line's text without spaces."""
    left, right = chars[k - 1], chars[k]
    if right in _NO_SPACE_BEFORE or left in _NO_SPACE_AFTER:
        return False
    if read_space:
        return True
    # Tabular digits ("1") and decimal marks (centred in monospace fonts) leave wide gaps inside numbers.
    if right.isdigit() and (left.isdigit() or (k >= 2 and _INSIDE_NUMBER.match(chars, k - 2))):
        floor *= 1.8
    elif right.isdigit() and left in ".,":
        floor *= 1.4  # "May 1, 2026"
    return gap >= floor and gap >= relative


def _ink_runs(ink: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of inked columns."""
    edges = np.diff(np.concatenate(([0], ink.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _ink_columns(band: np.ndarray) -> np.ndarray | None:
    """Per pixel column of a text line: does it hold any ink? None when the band has no contrast."""
    if band.size == 0:
        return None
    diff = np.abs(band - np.median(band))
    contrast = float(diff.max())
    if contrast < 40:
        return None
    return (diff > 0.35 * contrast).any(axis=0)


def _widest_gap(ink: np.ndarray, start: float, end: float) -> int:
    """Longest run of ink-free columns between two x positions."""
    runs = _ink_runs(~ink[max(int(start), 0) : max(int(end) + 1, 0)])
    return max((b - a for a, b in runs), default=0)


def ocr_text(lines: tuple[OcrLine, ...] | list[OcrLine], row_overlap: float = 0.5) -> str:
    """Rows joined by newlines, the boxes of a row by spaces."""
    return "\n".join(" ".join(line.text for line in row) for row in group_rows(lines, row_overlap))


def reading_order(lines: list[OcrLine], row_overlap: float = 0.5) -> tuple[OcrLine, ...]:
    return tuple(line for row in group_rows(lines, row_overlap) for line in row)


def group_rows(lines: tuple[OcrLine, ...] | list[OcrLine], row_overlap: float = 0.5) -> list[list[OcrLine]]:
    """Rows of boxes that overlap vertically, top to bottom, each sorted left to right."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda item: sum(_span(item)) / 2):
        if rows and _joins_row(rows[-1], line, row_overlap):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda item: min(x for x, _ in item.box)) for row in rows]


def _joins_row(row: list[OcrLine], line: OcrLine, row_overlap: float) -> bool:
    # The row's mean band, not its union, so a slight skew cannot chain rows together.
    top = fmean(_span(item)[0] for item in row)
    bottom = fmean(_span(item)[1] for item in row)
    line_top, line_bottom = _span(line)
    shared = min(bottom, line_bottom) - max(top, line_top)
    shorter = min(bottom - top, line_bottom - line_top)
    return shorter > 0 and shared >= row_overlap * shorter


def _span(line: OcrLine) -> tuple[float, float]:
    ys = [y for _, y in line.box]
    return min(ys), max(ys)


def _build_engine(options: OcrOptions) -> Any:
    threads = options.threads or min(_usable_cpus(), 4)
    try:
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR(
            text_score=options.min_confidence,
            max_side_len=options.max_side,  # shrinking happens here, so the engine never resizes again
            use_cls=options.use_angle_classifier,
            det_limit_side_len=options.detect_side,
            det_limit_type=options.detect_limit,
        )
        _replace_sessions(engine, threads, options.use_cuda)
        return engine
    except Exception as error:
        raise ModelError(
            "Could not load the packaged OCR models: install 'rapidocr-onnxruntime==1.4.4' "
            f"or turn OCR off with ASSISTANT_OCR_ENABLED=false ({error})."
        ) from error


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):  # Linux: respects the CPUs a container is pinned to
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _replace_sessions(engine: Any, threads: int, use_cuda: bool) -> None:
    """Rebuilds RapidOCR's three onnxruntime sessions with options it does not expose. Worker threads
    that spin while waiting for work steal the CPU from each other and from every other model in the
    process; with spinning off, two threads on a busy 2-core machine went from 2.5 s to 1.6 s a screenshot."""
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    if use_cuda and "CUDAExecutionProvider" in ort.get_available_providers():
        providers.insert(0, "CUDAExecutionProvider")
    for holder in (engine.text_det.infer, engine.text_cls.infer, engine.text_rec.session):
        model_path = getattr(holder.session, "_model_path", None)
        if not model_path:
            continue
        session_options = ort.SessionOptions()
        session_options.intra_op_num_threads = threads
        session_options.inter_op_num_threads = 1  # the models run one after another
        session_options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session_options.log_severity_level = 3
        holder.session = ort.InferenceSession(model_path, sess_options=session_options, providers=providers)


def _shrink(image: Image.Image, max_side: int) -> tuple[Image.Image, float, float]:
    """The image with its longest side at most ``max_side``, and the factors that map boxes back."""
    longest = max(image.size)
    if longest <= max_side:
        return image, 1.0, 1.0
    ratio = max_side / longest
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    small = image.resize(size, Image.Resampling.LANCZOS)
    return small, image.width / small.width, image.height / small.height


def _to_bgr(image: Image.Image) -> np.ndarray:
    """RapidOCR takes numpy arrays as OpenCV BGR. Transparency is flattened onto white first: the
    engine's own RGBA handling inverts the colours of any image that is not mostly black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])
