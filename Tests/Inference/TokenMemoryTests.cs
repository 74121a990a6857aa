using LLama.Native;
using Verge.Orleans.Grains.Inference;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

/// <summary>Texts and their tokens: exact, bounded by characters, least recently used out; answers never through a control token.</summary>
public sealed class TokenMemoryTests
{
    [Fact]
    public void ATextIsFoundExactlyAndTheLeastRecentlyUsedGoesFirst()
    {
        var memory = new TokenMemory(characters: 160); // 16 texts of 10 characters, none longer
        for (var i = 0; i < 16; i++)
        {
            memory.Remember($"text {i,5}", [i]);
        }

        Assert.Equal(new LLamaToken[] { 0 }, memory.Find("text     0")); // now the most recently used
        memory.Remember("eleven char", [99]); // longer than a sixteenth of the bound: not kept
        memory.Remember("text    16", [16]);

        Assert.Equal(16, memory.Count);
        Assert.Null(memory.Find("text     1"));
        Assert.Null(memory.Find("eleven char"));
        Assert.Equal(new LLamaToken[] { 0 }, memory.Find("text     0"));
        Assert.Null(memory.Find("TEXT     0"));
        Assert.Equal([16], memory.GetOrAdd("text    16", _ => throw new InvalidOperationException("tokenized again")));
    }

    [Fact]
    public void AnAnswerThroughAControlTokenIsNotKept()
    {
        using var model = LoadedModel.Load(RandomPath);
        LLamaToken[] plain = [Token(model, "H"), Token(model, "e")];

        model.RememberAnswer([plain[0], Token(model, "<|im_end|>"), plain[1]]); // spells "He": the control token is invisible
        Assert.Null(model.AnswerTokens("He"));

        model.RememberAnswer(plain);
        Assert.Equal(plain, model.AnswerTokens("He"));
    }
}
