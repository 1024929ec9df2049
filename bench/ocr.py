#!/usr/bin/env python3
"""Compare OCR engines on scanned filings: cells F1, amounts exact, seconds per page, peak RSS.

    python bench/ocr.py                         the kept scans (tests/corpus/scans), every engine
    python bench/ocr.py --engines rapidocr      one engine
    python bench/ocr.py --scan X.pdf --truth T.json   another scan and its truth

Engines, each run in its own subprocess through the whole parser (only the text line
recogniser differs; grids, cells and builders are the same):

* rapidocr: PP-OCRv4 recognition on onnxruntime, the model from the rapidocr-onnxruntime wheel
  (what the parser ships);
* tesseract: Debian's tesseract-ocr with chi_sim+eng through pytesseract, one call per text
  line (`--psm 7`), amount cells read again with a digits whitelist.

Also printed: the OCR'd cells below DOUBT_CONFIDENCE and whether every misread amount is
among them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT / "tests" / "corpus" / "scans"
ENGINES = ("rapidocr", "tesseract")


class Tesseract:
    """The recogniser interface of `filings.parsing.ocr.engine.Recognizer`, on tesseract."""

    def __init__(self) -> None:
        import pytesseract

        self.tess = pytesseract
        self.name = f"tesseract {pytesseract.get_tesseract_version()} chi_sim+eng"

    def _line(self, image: Any, config: str) -> list[Any]:
        from filings.parsing.ocr.engine import Glyph

        data = self.tess.image_to_data(
            image, lang="chi_sim+eng", config=f"--psm 7 {config}", output_type=self.tess.Output.DICT
        )
        glyphs = []
        for text, conf, left, width in zip(
            data["text"], data["conf"], data["left"], data["width"], strict=True
        ):
            text = "".join(text.split())
            if not text:
                continue
            step = width / len(text)
            c = max(0.0, float(conf)) / 100
            glyphs += [Glyph(ch, c, left + i * step, left + (i + 1) * step) for i, ch in enumerate(text)]
        return glyphs

    def read(self, images: list[Any], stretch: float = 1.0) -> list[Any]:
        from filings.parsing.ocr.engine import Reading

        return [Reading(self._line(im, ""), im, 1.0) for im in images]

    def reread_amount(self, reading: Any) -> list[Any]:
        return self._line(reading.probs, "-c tessedit_char_whitelist=0123456789,.-()")


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location(
        "score_filing", ROOT / "tests" / "tools" / "score_filing.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_filing"] = module
    spec.loader.exec_module(module)
    return module


def worker(engine: str, scan: Path, truth: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from budget_filing.document import DOUBT_CONFIDENCE
    from filings.parsing import parse_pdf
    from filings.parsing.ocr import engine as ocr_engine

    if engine == "tesseract":
        tess = Tesseract()
        ocr_engine.recognizer = lambda: tess  # type: ignore[assignment]
    start = time.perf_counter()
    doc = json.loads(json.dumps(parse_pdf(scan), ensure_ascii=False))
    seconds = time.perf_counter() - start
    scorer = _scorer()
    result = scorer.score(json.loads(truth.read_text("utf-8")), doc)
    cells = result["cells"]
    doubted = {(c["page"], tuple(c["bbox"])) for t in doc["tables"] for c in t.get("ocr", [])}
    low = [c for t in doc["tables"] for c in t.get("ocr", []) if c["confidence"] < DOUBT_CONFIDENCE]
    print(
        json.dumps(
            {
                "engine": doc.get("ocr_engine", engine),
                "scanned": len(doc["pages_scanned"]),
                "f1": cells["overall"].f1,
                "amounts": cells["amounts"].rate,
                "amount_cells": cells["amounts"].compared,
                "wrong_amounts": cells["amounts"].compared - cells["amounts"].exact,
                "s_per_page": seconds / max(1, len(doc["pages_scanned"])),
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "ocr_cells": len(doubted),
                "doubtful": len(low),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--scan", type=Path)
    ap.add_argument("--truth", type=Path)
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    if args.scan:
        runs = [(args.scan, args.truth)]
    else:
        manifest = json.loads((SCANS / "manifest.json").read_text("utf-8"))
        runs = [
            (SCANS / f"{name}.pdf", ROOT / "tests" / "corpus" / "truth" / f"{m['truth']}.json")
            for name, m in sorted(manifest.items())
        ]
    print(
        f"{'scan':32} {'engine':44} {'F1':>7} {'amounts':>8} {'wrong':>6} "
        f"{'s/page':>7} {'RSS MB':>7} {'<doubt':>7}"
    )
    for scan, truth in runs:
        for engine in args.engines.split(","):
            out = subprocess.run(
                [sys.executable, __file__, "--worker", engine, str(scan), str(truth)],
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                print(f"{scan.stem[:32]:32} {engine:44} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{scan.stem[:32]:32} {r['engine'][:44]:44} {r['f1']:7.4f} {r['amounts']:8.4f} "
                f"{r['wrong_amounts']:6d} {r['s_per_page']:7.2f} {r['rss_mb']:7.0f} {r['doubtful']:7d}"
            )


if __name__ == "__main__":
    main()
