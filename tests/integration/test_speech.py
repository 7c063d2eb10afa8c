"""The packaged Whisper models transcribe real speech (espeak-ng) in every accepted format."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import AudioTooLongError, SilentAudioError
from assistant.audio import AudioOptions
from assistant.speech import SpeechTranscriber, transcript_json
from assistant.whisper_models import resolve_whisper_model
from tests import audio_samples as samples

os.environ.setdefault("HF_HUB_OFFLINE", "1")

pytestmark = pytest.mark.skipif(not samples.espeak_available(), reason="espeak-ng is not installed")


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("voice_notes")


@pytest.fixture(scope="session")
def english_wav(audio_dir) -> Path:
    return samples.speak(samples.ENGLISH_SENTENCE, audio_dir / "english.wav")


@pytest.fixture(scope="session")
def german_wav(audio_dir) -> Path:
    return samples.speak(samples.GERMAN_SENTENCE, audio_dir / "german.wav", voice="de")


@pytest.fixture(scope="session")
def tiny_en(tmp_path_factory) -> SpeechTranscriber:
    return SpeechTranscriber("packaged:tiny.en", tmp_path_factory.mktemp("data"), "cpu")


@pytest.fixture(scope="session")
def base(tmp_path_factory) -> SpeechTranscriber:
    return SpeechTranscriber("packaged:base", tmp_path_factory.mktemp("data"), "cpu")


def assert_english_sentence(text: str) -> None:
    lowered = text.lower()
    assert all(word in lowered for word in ("return", "jacket", "order")), text


@pytest.mark.slow
@pytest.mark.parametrize("model", ["tiny_en", "base"])
def test_english_sentence(request, english_wav, model):
    transcriber: SpeechTranscriber = request.getfixturevalue(model)
    transcript = transcriber.transcribe(english_wav)
    assert_english_sentence(transcript.text)
    assert transcript.language == "en"
    assert 0.5 < transcript.language_probability <= 1.0
    assert transcript.english_text is None
    assert 3.0 < transcript.duration_s < 5.0
    assert transcript.segments and transcript.segments[0].start < 1.0
    assert transcript_json(transcript)["text"] == transcript.text


@pytest.mark.slow
@pytest.mark.parametrize(
    "options",
    [
        AudioOptions(initial_prompt="A customer's voice note to an online clothing store about an order."),
        AudioOptions(without_timestamps=True),
    ],
    ids=["store prompt", "without timestamps"],
)
def test_decoding_options_still_transcribe_the_note(tmp_path_factory, english_wav, options):
    transcriber = SpeechTranscriber("packaged:tiny.en", tmp_path_factory.mktemp("data"), "cpu", options=options)
    transcript = transcriber.transcribe(english_wav)
    assert_english_sentence(transcript.text)
    assert "clothing store" not in transcript.text.lower()
    assert transcript.segments and transcript.segments[-1].end <= transcript.duration_s + 0.5


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["mp3", "ogg", "webm", "m4a", "flac", *samples.OTHER_PHONE_FORMATS])
def test_every_accepted_format(tiny_en, english_wav, audio_dir, fmt):
    path = samples.encode(english_wav, fmt, audio_dir / f"english.{fmt}")
    assert_english_sentence(tiny_en.transcribe(path).text)


@pytest.mark.slow
def test_browser_recording_without_duration(tiny_en, english_wav, audio_dir):
    path = samples.encode(english_wav, "webm", audio_dir / "recorder.webm", streamed=True)
    assert_english_sentence(tiny_en.transcribe(path).text)


@pytest.mark.slow
def test_german_is_detected_and_translated(base, german_wav):
    transcript = base.transcribe(german_wav)
    assert transcript.language == "de"
    assert transcript.language_probability > 0.5
    assert "jacke" in transcript.text.lower()
    assert "bestellung" in transcript.text.lower()
    assert transcript.english_text is not None
    assert "jacket" in transcript.english_text.lower()
    assert transcript.routing_text == transcript.english_text


@pytest.mark.slow
def test_english_only_model_does_not_translate(tiny_en, german_wav):
    assert tiny_en.transcribe(german_wav).english_text is None


@pytest.mark.slow
def test_shared_encoder_gives_plain_faster_whisper_results(base, english_wav):
    from faster_whisper import WhisperModel, decode_audio

    plain = WhisperModel(base.source, device="cpu", compute_type="int8")
    audio = decode_audio(str(english_wav))
    segments, info = plain.transcribe(audio, beam_size=1, vad_filter=True, condition_on_previous_text=False)
    expected = " ".join(s.text.strip() for s in segments)
    transcript = base.transcribe(english_wav)
    assert transcript.text == expected
    assert transcript.language == info.language


@pytest.mark.slow
def test_concurrent_calls_share_one_model(tiny_en, english_wav):
    with ThreadPoolExecutor(max_workers=3) as pool:
        texts = list(pool.map(lambda _: tiny_en.transcribe(english_wav).text, range(3)))
    assert len(set(texts)) == 1


@pytest.mark.slow
def test_packaged_base_is_joined_once_and_rebuilt_when_broken(tmp_path):
    _, first = resolve_whisper_model("packaged:base", tmp_path)
    model_bin = Path(first) / "model.bin"
    size, mtime = model_bin.stat().st_size, model_bin.stat().st_mtime_ns
    for name in ("config.json", "tokenizer.json", "vocabulary.json", "joined.json"):
        assert (Path(first) / name).is_file()

    _, second = resolve_whisper_model("packaged:base", tmp_path)
    assert second == first
    assert model_bin.stat().st_mtime_ns == mtime

    with model_bin.open("r+b") as handle:
        handle.truncate(size // 2)
    resolve_whisper_model("packaged:base", tmp_path)
    assert model_bin.stat().st_size == size
    assert not [p for p in Path(first).iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_silent_recording(base, audio_dir):
    with pytest.raises(SilentAudioError, match="microphone"):
        base.transcribe(samples.silence(audio_dir / "silence.wav"))


@pytest.mark.slow
def test_noise_without_speech(base, audio_dir):
    """Loud enough to pass the level check; voice activity detection finds no speech in it."""
    rng = np.random.default_rng(3)
    path = samples.write_wav(rng.normal(0, 0.01, 16000 * 3), audio_dir / "hiss.wav")
    with pytest.raises(SilentAudioError, match="No speech could be heard"):
        base.transcribe(path)


@pytest.mark.slow
def test_too_long_recording(tmp_path, audio_dir):
    sentence = "Please check the delivery status of my last order."
    path = samples.speak(sentence, audio_dir / "three_seconds.wav")
    assert 2.3 < samples.duration_of(path) < 4.0
    transcriber = SpeechTranscriber("packaged:tiny.en", tmp_path, "cpu", options=AudioOptions(max_seconds=2))
    with pytest.raises(AudioTooLongError, match="the limit is 2 seconds"):
        transcriber.transcribe(path)
