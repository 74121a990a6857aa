using LLama.Native;
using Verge.Orleans.Grains.Inference;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

/// <summary>Texts and their tokens: exact, bounded by weight, least recently used out; answers per user, never through an invisible token.</summary>
public sealed class TokenMemoryTests
{
    [Fact]
    public void ATextIsFoundExactlyAndTheLeastRecentlyUsedGoesFirst()
    {
        // An entry of 10 characters and one token weighs 10 + 2 + 64: sixteen fit in the bound, none may weigh over 80.
        var memory = new TokenMemory(characters: 16 * 80);
        for (var i = 0; i < 16; i++)
        {
            memory.Remember($"text {i,5}", [i]);
        }

        Assert.Equal(new LLamaToken[] { 0 }, memory.Find("text     0")); // now the most recently used
        memory.Remember("a text of twenty ch.", [99]); // heavier than a sixteenth of the bound: not kept
        memory.Remember("text     2", [2, 2]); // replaced: two more characters' weight
        memory.Remember("text    16", [16]);

        Assert.Equal(16, memory.Count);
        Assert.Null(memory.Find("text     1"));
        Assert.Null(memory.Find("a text of twenty ch."));
        Assert.Equal(new LLamaToken[] { 0 }, memory.Find("text     0"));
        Assert.Equal(new LLamaToken[] { 2, 2 }, memory.Find("text     2"));
        Assert.Null(memory.Find("TEXT     0"));
        Assert.Equal([16], memory.GetOrAdd("text    16", _ => throw new InvalidOperationException("tokenized again")));
    }

    [Fact]
    public void AnAnswerIsKeptForItsUserOnlyAndNeverThroughATokenThatWritesNothing()
    {
        using var model = LoadedModel.Load(RandomPath);
        LLamaToken[] plain = [Token(model, "H"), Token(model, "e")];

        model.RememberAnswer("alice", [plain[0], Token(model, "<|im_end|>"), plain[1]]); // spells "He": the control token writes nothing
        Assert.Null(model.AnswerTokens("alice", "He"));

        model.RememberAnswer("alice", plain);
        Assert.Equal(plain, model.AnswerTokens("alice", "He"));
        Assert.Null(model.AnswerTokens("bob", "He"));
    }
}
