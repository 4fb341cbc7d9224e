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


def test_a_model_with_other_classes_is_cut_by_its_own_classes(monkeypatch):
    """The one-pass read guesses py3langid 0.4.0's class order; another model's order (here:
    the guess reversed) is noticed when classes.npy is read, and ptc is cut again by it."""
    import bot.pipeline.langid_model as model

    ptc, _pc, classes, *_ = load_model(MODEL_DIR / MODEL_FILE)
    assert list(classes) == model.MODEL_CLASSES  # the guess is right for the installed model
    monkeypatch.setattr(model, "MODEL_CLASSES", list(reversed(classes)))
    keep = [i for i, c in enumerate(classes) if c in WANT]
    cut = model.load_cut(MODEL_DIR / MODEL_FILE, lambda labels: [i for i, c in enumerate(labels) if c in WANT])
    assert cut[2] == [classes[i] for i in keep]
    assert np.array_equal(cut[0], np.asarray(ptc)[:, keep])
