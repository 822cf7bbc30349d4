"""Length preference of a bench run's pairwise verdicts (the analysis quoted in README.md).

    python docs/results/gemma3-270m-cpu-v3/length_bias.py runs/bench-exp2 base merged
"""

import json
import sys
from pathlib import Path

from scipy.stats import spearmanr

from judgesmith.data.sources import load_source


def main(folder: str, *labels: str) -> None:
    for key in ("autoj_pairwise", "llmbar_natural", "pandalm"):
        examples = {e.item.id: e for e in load_source(key).pairwise}
        for label in labels:
            path = Path(folder) / "verdicts" / label / f"{key}.jsonl"
            verdicts = [json.loads(line) for line in path.read_text().splitlines()]
            margin, dlen, right, n = [], [], 0, 0
            for v in verdicts:
                first, second = (s["probabilities"] for s in v["samples"])  # both in original positions
                ex = examples[v["id"]]
                margin.append((first["A"] + second["A"]) / 2 - 0.5)
                dlen.append(len(ex.item.response_a.split()) - len(ex.item.response_b.split()))
                if ex.gold in ("A", "B") and dlen[-1]:
                    n, right = n + 1, right + (("A" if dlen[-1] > 0 else "B") == ex.gold)
            print(f"{key} {label}: spearman(P(A) margin, words A - words B) = {spearmanr(margin, dlen)[0]:+.2f}; "
                  f"'longer wins' accuracy {right / n:.3f} (n={n})")


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
