"""The form in which citizen text may be stored or learned from: normalised, personal data masked."""

from __future__ import annotations

from zhtext.normalize import normalize
from zhtext.privacy import mask_personal_data


def clean_text(text: str) -> str:
    """Normalise and mask personal data: the form in which text may be stored or learned from."""
    return mask_personal_data(normalize(text))
