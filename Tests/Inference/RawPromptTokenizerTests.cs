using System.Text;
using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Inference;

/// <summary>Raw prompts are tokenized as llama.cpp's server tokenizes them, token for token.</summary>
public sealed class RawPromptTokenizerTests
{
    [Fact]
    public void SuffixBuildsPrefixThenSuffixThenMiddle()
    {
        using var model = LoadedModel.Load(TestModels.FimPath);
        var vocab = model.Weights.Vocab;

        var prompt = RawPromptTokenizer.Tokenize(model, new RawPrompt { Text = "def f(", Suffix = "):" });

        LLamaToken[] expected =
        [
            vocab.InfillPrefix!.Value, .. Plain(model, "def f("), vocab.InfillSuffix!.Value, .. Plain(model, "):"), vocab.InfillMiddle!.Value,
        ];
        Assert.Equal(expected, prompt.Tokens);
    }

    [Fact]
    public void TextRecognisesControlTokensAndTokenIdsStayAsGiven()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        var imStart = model.SingleToken(Vocabulary.ImStart)!.Value;

        var text = RawPromptTokenizer.Tokenize(model, new RawPrompt { Text = Vocabulary.ImStart + "user" });
        var ids = RawPromptTokenizer.Tokenize(model, new RawPrompt { Tokens = [(int)imStart, 5, 7] });

        Assert.Equal([imStart, .. Plain(model, "user")], text.Tokens);
        Assert.Equal([(int)imStart, 5, 7], ids.Tokens.Select(t => (int)t));
        Assert.Equal(Vocabulary.ImStart + "user", RawPromptTokenizer.EchoText(model, new RawPrompt { Tokens = [.. text.Tokens.Select(t => (int)t)] }));
    }

    [Fact]
    public void TokenIdsOutsideTheVocabularyAndASuffixWithoutFimTokensAre400()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);

        var unknown = Assert.Throws<ServingException>(() => RawPromptTokenizer.Tokenize(model, new RawPrompt { Tokens = [model.Weights.Vocab.Count] }));
        var suffix = Assert.Throws<ServingException>(() => RawPromptTokenizer.Tokenize(model, new RawPrompt { Text = "a", Suffix = "b" }));

        Assert.Equal((400, "prompt"), (unknown.Status, unknown.Param));
        Assert.Equal((400, "suffix"), (suffix.Status, suffix.Param));
    }

    private static LLamaToken[] Plain(LoadedModel model, string text) => model.Weights.Tokenize(text, false, false, Encoding.UTF8);
}
