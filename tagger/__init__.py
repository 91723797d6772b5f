"""tagger: tags Chinese articles about poverty relief with relief, type of help and actor.

    from tagger import Tagger
    tagger = Tagger.train()                 # the shipped labelled data
    tagger.predict(["……民盟省委会组织专家赴贫困村开展义诊……"])
"""
from tagger.api import Tagger
from tagger.errors import DataError, InputError, ModelError, TaggerError

__all__ = ["Tagger", "TaggerError", "DataError", "InputError", "ModelError"]
__version__ = "0.1.0"
