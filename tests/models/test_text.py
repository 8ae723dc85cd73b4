from __future__ import annotations

import pytest
import torch

from neuralens.data.captioned_scenes import VOCABULARY, make_captioned_scenes
from neuralens.models.text import TextEncoder, TextEncoderConfig, Tokenizer


def test_every_scene_caption_round_trips():
    tokenizer = Tokenizer()
    data = make_captioned_scenes(300, seed=0)
    for caption in data.captions:
        ids = tokenizer.encode(caption)
        assert len(ids) <= tokenizer.length
        assert tokenizer.decode(ids) == caption.replace(",", "")


def test_case_punctuation_and_padding():
    tokenizer = Tokenizer()
    ids, padding_mask = tokenizer(["A RED disk, on the left!", "a red disk on the left", ""])
    assert ids.shape == padding_mask.shape == (3, tokenizer.length) and ids.dtype == torch.int64
    assert torch.equal(ids[0], ids[1])
    assert padding_mask[0].tolist() == [False] * 7 + [True] * (tokenizer.length - 7)
    # the empty prompt is the empty caption: <start> alone, never all padding
    assert tokenizer.decode(ids[2]) == "" and padding_mask[2].sum() == tokenizer.length - 1


def test_unknown_words_list_the_vocabulary():
    with pytest.raises(ValueError) as error:
        Tokenizer().encode("a red dog on the moon")
    message = str(error.value)
    assert "'dog', 'moon'" in message and " ".join(VOCABULARY) in message


def test_too_long_and_bad_input():
    tokenizer = Tokenizer(max_words=5)
    tokenizer.encode("a red disk on sand")
    with pytest.raises(ValueError, match="6 words; at most 5"):
        tokenizer.encode("a red disk on the sand")
    with pytest.raises(ValueError, match="list of prompts"):
        tokenizer("a red disk")
    with pytest.raises(ValueError, match="lower-case words"):
        Tokenizer(("red", "Red"))
    with pytest.raises(ValueError, match="divide"):
        TextEncoderConfig(width=10, num_heads=4)


def test_encoder_shapes_and_padding_do_not_change_the_words():
    torch.manual_seed(0)
    encoder = TextEncoder(TextEncoderConfig(width=16, num_heads=2)).eval()
    alone, mask_alone = encoder.encode(["a red disk on sand"])
    together, _ = encoder.encode(["a red disk on sand", "there is a big blue square at the top"])
    assert alone.shape == (1, encoder.tokenizer.length, 16)
    words = ~mask_alone[0]
    torch.testing.assert_close(alone[0, words], together[0, words], atol=1e-5, rtol=1e-5)
    # context matters: "red" reads differently beside "disk" than beside "square"
    square, _ = encoder.encode(["a red square on sand"])
    assert not torch.allclose(alone[0, 2], square[0, 2], atol=1e-4)


def test_a_config_from_a_checkpoint_dict_rebuilds_the_vocabulary():
    config = TextEncoderConfig(vocabulary=["a", "disk"], max_words=3, width=8, num_heads=2)
    encoder = TextEncoder(config)
    assert encoder.tokenizer.vocabulary == ("a", "disk")
    assert encoder.token_embedding.num_embeddings == 4  # <pad>, <start>, a, disk
