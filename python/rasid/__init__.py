"""rasid: Arabic news text classification, from Python.

The work is done by the C++ core (the extension module ``rasid._rasid``); this
package re-exports it::

    import rasid
    model = rasid.train(texts, labels={"topic": topics})
    model.predict(["..."])            # [{"topic": {"label", "prob", "probs"}}]
    model.predict_proba(["..."])      # {"topic": float32 array (n x classes)}
    model.explain("...", top=5)
    model.save("m.rasid"); rasid.Model.load("m.rasid")

Errors: ``rasid.InputError`` and ``rasid.ModelError`` are ValueErrors,
``rasid.IoError`` is an OSError; each carries the core's message.
For classifying archives on many processes or machines see ``rasid.dask``.
"""
from ._rasid import InputError, IoError, Model, ModelError, train

__all__ = ["Model", "train", "InputError", "ModelError", "IoError"]
__version__ = "0.1.0"
