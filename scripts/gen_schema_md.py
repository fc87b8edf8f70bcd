"""Regenerate store/schema.md from the COMMENT ON texts.

Same as `veille schema --out store/schema.md`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.schema_doc import SCHEMA_MD, schema_markdown  # noqa: E402

if __name__ == "__main__":
    SCHEMA_MD.write_text(schema_markdown(), encoding="utf-8")
    print(SCHEMA_MD)
