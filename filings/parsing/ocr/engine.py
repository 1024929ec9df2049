"""Text line recognition: PP-OCRv4's recogniser on onnxruntime, its model from the wheel.

We run only the recogniser. Where text stands on a ruled page is known from the page's own
geometry (cells and ink bands, `cells.py`), so the detector, the costliest model, is never
needed. The model file ships inside the `rapidocr-onnxruntime` wheel and is opened from the
installed package's folder: nothing is downloaded, ever.

Decoding is ours (greedy CTC) because we need more than rapidocr's text and mean score:
each character's own probability (the line's doubt is its least sure character), where it
stands (its frames give its x range), and a second reading restricted to the characters of
a printed amount, for cells of an amount column.
"""

from __future__ import annotations

import importlib.util
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE = "rapidocr-onnxruntime"
_MODEL = "models/ch_PP-OCRv4_rec_infer.onnx"
_HEIGHT = 48
# what an amount cell may print: digits, separators, signs, dashes and brackets
AMOUNT_CHARS = "0123456789,.-()"
# a batch's size in 48-pixel-high input columns: widths are padded to the batch's widest,
# so lines go in by width; past a few thousand columns onnxruntime slows down more than linearly
_BATCH_COLUMNS = 3200
_BATCH = 16
# figures are read again widened by this: a digit then spans more CTC frames, and a narrow
# `.` or `1` between two digits is no longer dropped (on 300-dpi scans: 3 of 386 amounts
# wrong without, none with); text reads worse widened, so only figures are
FIGURE_STRETCH = 1.3


@dataclass
class Glyph:
    """One recognised character: its text, probability and x range in the line image (px)."""

    text: str
    confidence: float
    x0: float
    x1: float


@dataclass
class Reading:
    """A line image's recognised characters, and the raw output to read it again."""

    glyphs: list[Glyph]
    probs: Any  # (frames, amount classes): the softmax output kept for reading it again as an amount
    step: float  # line-image pixels per frame

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)


def _package_dir() -> Path:
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"OCR 组件未安装：{PACKAGE}")
    return Path(next(iter(spec.submodule_search_locations)))


class Recognizer:
    """PP-OCRv4 text line recognition on the CPU."""

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.log_severity_level = 4
        opts.enable_cpu_mem_arena = False
        opts.intra_op_num_threads = (
            threads or int(os.environ.get("OCR_THREADS", "0")) or (os.cpu_count() or 1)
        )
        opts.inter_op_num_threads = 1
        # a worker shares its cores: threads that spin while waiting only slow the others
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(_package_dir() / _MODEL), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        meta = self.session.get_modelmeta().custom_metadata_map
        # class 0 is CTC's blank, the last class a space
        self.chars = ["", *meta["character"].splitlines(), " "]
        self.amount_classes = np.array([0] + [i for i, c in enumerate(self.chars) if c and c in AMOUNT_CHARS])
        self.name = f"{PACKAGE} {version(PACKAGE)} PP-OCRv4"

    def read(self, images: list[Any], stretch: float = 1.0) -> list[Reading]:
        """Recognise grey line images (uint8, ink dark), widened by `stretch`; one Reading each."""
        import cv2

        out: list[Reading | None] = [None] * len(images)
        scaled = [max(1, math.ceil(stretch * _HEIGHT * im.shape[1] / max(1, im.shape[0]))) for im in images]
        order = sorted(range(len(images)), key=lambda i: scaled[i])
        batches: list[list[int]] = []
        for i in order:
            if batches and len(batches[-1]) < _BATCH and (len(batches[-1]) + 1) * scaled[i] <= _BATCH_COLUMNS:
                batches[-1].append(i)
            else:
                batches.append([i])
        for batch in batches:
            widths = [scaled[i] for i in batch]
            width = max(max(widths), _HEIGHT)
            tensor = np.zeros((len(batch), 3, _HEIGHT, width), dtype=np.float32)
            for k, i in enumerate(batch):
                line = cv2.resize(images[i], (widths[k], _HEIGHT), interpolation=cv2.INTER_AREA)
                tensor[k, :, :, : widths[k]] = (line.astype(np.float32) / 127.5 - 1.0)[None]
            probs = self.session.run(None, {self.session.get_inputs()[0].name: tensor})[0]
            frames = probs.shape[1]
            for k, i in enumerate(batch):
                # the line's pixels per frame, in its own scale (before resizing to 48 high)
                step = (width / frames) * images[i].shape[0] / (_HEIGHT * stretch)
                used = min(frames, math.ceil(widths[k] * frames / width) + 1)
                p = probs[k, :used]
                out[i] = Reading(self._decode(p, step), p[:, self.amount_classes], step)
        return [r for r in out if r is not None]

    def reread_amount(self, reading: Reading) -> list[Glyph]:
        """The line read again with only an amount's characters allowed.

        A glyph's confidence stays its probability among all classes, so a character that
        had to be forced into a digit shows as doubtful instead of certain.
        """
        return self._decode(reading.probs, reading.step, self.amount_classes)

    def _decode(self, probs: Any, step: float, classes: Any | None = None) -> list[Glyph]:
        """Greedy CTC; `classes`: the class of each column of `probs` when it holds only some."""
        idx = probs.argmax(axis=1)
        glyphs: list[Glyph] = []
        prev = 0
        start = 0
        for t, c in enumerate(idx):
            c = int(c)
            if c != prev:
                if prev != 0:
                    glyphs.append(self._glyph(probs, prev, start, t, step, classes))
                start = t
            prev = c
        if prev != 0:
            glyphs.append(self._glyph(probs, prev, start, len(idx), step, classes))
        return glyphs

    def _glyph(self, probs: Any, c: int, t0: int, t1: int, step: float, classes: Any | None) -> Glyph:
        char = self.chars[c if classes is None else int(classes[c])]
        return Glyph(char, float(probs[t0:t1, c].max()), t0 * step, t1 * step)


@lru_cache(maxsize=1)
def recognizer() -> Recognizer:
    """The process's one recogniser: loading the model takes a moment and 30 MB."""
    return Recognizer()
