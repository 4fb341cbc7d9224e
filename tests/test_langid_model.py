"""The streaming loader gives exactly what py3langid's own loader gives, cut to our classes."""

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE
from py3langid.modelio import load_model

from bot.pipeline.langid_model import load_cut

WANT = {"en", "fr", "ar", "ha", "ary"}


def test_cut_model_equals_py3langid_model_cut():
    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    keep = [i for i, c in enumerate(classes) if c in WANT]
    cut = load_cut(MODEL_DIR / MODEL_FILE, lambda labels: [i for i, c in enumerate(labels) if c in WANT])
    assert cut[2] == [classes[i] for i in keep] and len(keep) == len(WANT)
    assert np.array_equal(cut[0], np.asarray(ptc)[:, keep])
    assert np.array_equal(cut[1], np.asarray(pc)[keep])
    assert cut[3] == nextmove and cut[4] == row and cut[5] == output
