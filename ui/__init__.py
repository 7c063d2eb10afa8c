"""Gradio web app around the assistant pipeline."""
