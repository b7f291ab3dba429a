"""vocab.py — text -> token ids with a model's own vocabulary, exactly as lmlab encodes it
(src/vocab_encode.c, src/tokenize.c). The vocabulary is the model file's "vocab" metadata (written by
`lmlab train`) or "lmlab.vocab" (written by the page): {level, tokens, counts, and at word level
tokenizer, lowercase, sentences}.

Char level: one id per Unicode code point; a character the vocabulary lacks becomes <unk> when it has
one, otherwise an error naming the character and its byte offset.
Word level: lmlab's tokenizers re-expressed as regular expressions over the same character classes
(ASCII letters, digits and '_' plus every non-ASCII code point outside the listed punctuation and
space blocks are word characters; ' U+2019 - join two word characters; . , : join two digits; any
other non-space character is punctuation and a run of the same one is one token; or, with the
`whitespace` tokenizer, runs of non-space), lmlab's lower-casing (A-Z, À-Þ, Α-Ω, Ѐ-Я only), sentences
by line or after a token of only . ! ? (and at a blank line), each sentence as <s> w1 … wn </s>,
unknown words <unk> (an error naming the word and its byte offset when the vocabulary has no <unk>).
tests/torch-bridge.test.mjs checks this against lmlab's own encoder."""
import json
import re

import numpy as np

MAX_TOKEN_BYTES = 1024  # LM_MAX_TOKEN_BYTES

# tokenize.c is_space: ASCII space and \t..\r, and these non-ASCII spaces.
_SPACE_WIDE = "\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACE = " \t\n\x0b\x0c\r" + _SPACE_WIDE
# tokenize.c is_punct_wide: non-ASCII punctuation and symbols (each its own token, like ASCII's).
_PUNCT_WIDE = ("\x80-\xa9\xab-\xb1\xb4\xb6-\xb8\xbb\xd7\xf7\u2010-\u205e\u20a0-\u20cf\u2190-\u23ff"
               "\u2500-\u27bf\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\U0001f000-\U0001faff")
_WORD = f"(?:[A-Za-z0-9_]|[^\x00-\x7f{_SPACE_WIDE}{_PUNCT_WIDE}])"
_WORDS_TOKEN = re.compile(
    rf"(\n)|({_WORD}+(?:(?:['\u2019\-]|(?<=[0-9])[.,:](?=[0-9])){_WORD}+)*|([^{_SPACE}])\3*)")
_WHITESPACE_TOKEN = re.compile(rf"(\n)|([^{_SPACE}]+)")
_CLOSES = re.compile(r"[.!?]+")

# tokenize.c to_lower: the same UTF-8 length for every mapped code point.
_LOWER = {cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)}
_LOWER.update({cp: cp + 32 for cp in range(0xC0, 0xDF) if cp != 0xD7})
_LOWER.update({cp: cp + 32 for cp in range(0x391, 0x3AA) if cp != 0x3A2})
_LOWER.update({cp: cp + 32 for cp in range(0x410, 0x430)})
_LOWER.update({cp: cp + 80 for cp in range(0x400, 0x410)})


class VocabError(ValueError):
    """The text cannot be encoded with this vocabulary; the message says where."""


class Vocab:
    def __init__(self, spec):
        if not isinstance(spec, dict) or spec.get("level") not in ("char", "word") or not isinstance(spec.get("tokens"), list):
            raise VocabError("the vocabulary metadata must be an object with level 'char' or 'word' and a tokens list")
        self.level = spec["level"]
        self.tokens = spec["tokens"]                   # (V,) token strings by id
        self.index = {t: i for i, t in enumerate(self.tokens)}
        if len(self.index) != len(self.tokens):
            raise VocabError("the vocabulary lists a token twice")
        self.unk = self.index.get("<unk>", -1)
        self.tokenizer = spec.get("tokenizer", "words")
        self.lowercase = bool(spec.get("lowercase", False))
        self.sentences = spec.get("sentences", "lines")
        if self.level == "word":
            self.bos, self.eos = self.index.get("<s>", -1), self.index.get("</s>", -1)
            if min(self.bos, self.eos) < 0:  # <unk> may be absent (lmlab's unk 'never')
                raise VocabError("a word-level vocabulary must contain <s> and </s>")
            if self.tokenizer not in ("words", "whitespace") or self.sentences not in ("lines", "punctuation"):
                raise VocabError(f"unknown word-level options: tokenizer '{self.tokenizer}', sentences '{self.sentences}'")
        else:
            bad = [t for t in self.tokens if len(t) != 1 and t != "<unk>"]
            if bad:
                raise VocabError(f"char-level token {bad[0]!r} is not a single character")

    @property
    def size(self):
        return len(self.tokens)

    def encode(self, text):
        """text (str) -> ids (n,) int64."""
        return self._encode_chars(text) if self.level == "char" else self._encode_words(text)

    def _encode_chars(self, text):
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")  # (n,) code points
        known = sorted((ord(t), i) for t, i in self.index.items() if len(t) == 1)
        keys = np.array([k for k, _ in known], dtype=np.uint32)
        ids = np.array([i for _, i in known], dtype=np.int64)
        at = np.clip(np.searchsorted(keys, points), 0, max(len(keys) - 1, 0))
        found = keys[at] == points if len(keys) else np.zeros(len(points), dtype=bool)
        out = np.where(found, ids[at] if len(keys) else -1, self.unk)
        if self.unk < 0 and not found.all():
            i = int(np.argmin(found))
            offset = len(text[:i].encode("utf-8"))
            raise VocabError(f"the text has the character U+{int(points[i]):04X} at byte offset {offset}, which is not in "
                             "the vocabulary (and the vocabulary has no <unk>)")
        return out.astype(np.int64)

    def _encode_words(self, text):
        pattern = _WORDS_TOKEN if self.tokenizer == "words" else _WHITESPACE_TOKEN
        by_punct = self.sentences == "punctuation"
        ids, in_sentence, newlines = [], False, 0
        lower = (lambda s: s.translate(_LOWER)) if self.lowercase else (lambda s: s)
        for m in pattern.finditer(text):
            if m.group(1):  # a newline: ends the sentence by line, or at a blank line (two in one gap)
                newlines += 1
                if in_sentence and (not by_punct or newlines >= 2):
                    ids.append(self.eos)
                    in_sentence = False
                continue
            newlines = 0
            token = m.group(2)
            if len(token.encode("utf-8")) > MAX_TOKEN_BYTES:
                offset = len(text[: m.start(2)].encode("utf-8"))
                raise VocabError(f"the token at byte offset {offset} is {len(token.encode('utf-8'))} bytes long, more "
                                 f"than the limit of {MAX_TOKEN_BYTES} bytes")
            if not in_sentence:
                ids.append(self.bos)
                in_sentence = True
            id_ = self.index.get(lower(token), self.unk)
            if id_ < 0:
                raw = token.encode("utf-8")
                shown = raw[:64].decode("utf-8", "ignore") + ("…" if len(raw) > 64 else "")
                offset = len(text[: m.start(2)].encode("utf-8"))
                raise VocabError(f"the text has the word '{shown}' at byte offset {offset}, which is not in the "
                                 "vocabulary (and the vocabulary has no <unk>)")
            ids.append(id_)
            if by_punct and _CLOSES.fullmatch(token):
                ids.append(self.eos)
                in_sentence = False
        if in_sentence:
            ids.append(self.eos)
        return np.array(ids, dtype=np.int64)


def from_metadata(metadata):
    """The model's vocabulary from its metadata ("vocab" from `lmlab train`, "lmlab.vocab" from the page)."""
    for key in ("vocab", "lmlab.vocab"):
        if key in metadata:
            try:
                return Vocab(json.loads(metadata[key]))
            except ValueError as err:
                raise VocabError(f"the model's '{key}' metadata is not a vocabulary: {err}") from None
    raise VocabError("the model file has no vocabulary in its metadata ('vocab' or 'lmlab.vocab'): save it with "
                     "`lmlab train`, the page, or set model.metadata.vocab = JSON.stringify(vocab.toJSON()) before save()")
