"""A coding run imports no deep-learning framework: the encoder is NumPy, the parser spaCy's
own (thinc imports torch whenever it is installed, so torch must not be installed at all)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "tensorflow", "jax", "transformers", "sentence_transformers", "onnxruntime")
PROBE = """
import json, sys
import detente
from detente.coder import resolve_coder
from detente.settings import load_settings
settings = load_settings(coder=resolve_coder("auto"))
text = "Kenya imposed sanctions on Uganda."
events = detente.code_text(text, date="2024-03-04", settings=settings)
print(json.dumps({"events": len(events), "coder": settings.coder,
                  "heavy": sorted(m for m in HEAVY if m in sys.modules)}))
"""


@pytest.mark.slow
def test_lean_coding_imports_no_deep_learning_framework() -> None:
    code = f"HEAVY = {HEAVY!r}\n{PROBE}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["events"] == 1
    assert result["heavy"] == []
