"""Export a judge for other runtimes: GGUF for llama.cpp (`export_gguf`).

Nothing heavy is imported here: the converter runs in its own process with its
own `gguf` package, and llama.cpp is imported only to quantize.
"""

from judgesmith.export.gguf_export import QUANTS, ExportResult, export_gguf

__all__ = ["QUANTS", "ExportResult", "export_gguf"]
