using LLama.Native;
using Verge.Orleans.Grains.Inference;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

/// <summary>The tokens of recent answers by their text: exact, bounded, least recently used out, never a control token.</summary>
public sealed class AnswerTokensTests
{
    [Fact]
    public void AnAnswerIsFoundByItsExactTextAndTheLeastRecentlyUsedGoesFirst()
    {
        using var model = LoadedModel.Load(RandomPath);
        var answers = new AnswerTokens(model.Weights.NativeHandle, capacity: 2);
        LLamaToken[] he = [Token(model, "H"), Token(model, "e")], lo = [Token(model, "l"), Token(model, "o")], oh = [Token(model, "o"), Token(model, "H")];

        answers.Remember(he);
        answers.Remember(lo);
        Assert.Equal(he, answers.Find("He")); // now the most recently used
        answers.Remember(oh);

        Assert.Equal(2, answers.Count);
        Assert.Null(answers.Find("lo"));
        Assert.Equal(he, answers.Find("He"));
        Assert.Equal(oh, answers.Find("oH"));
        Assert.Null(answers.Find("he"));
    }

    [Fact]
    public void AnAnswerThroughAControlTokenIsNotKept()
    {
        using var model = LoadedModel.Load(RandomPath);
        var answers = new AnswerTokens(model.Weights.NativeHandle, capacity: 2);

        answers.Remember([Token(model, "H"), Token(model, "<|im_end|>"), Token(model, "e")]);

        Assert.Equal(0, answers.Count);
    }
}
