using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Routing;

namespace Verge.Orleans.Tests.Routing;

/// <summary>The request's side of prefix routing (chained block hashes) and the worker's (its digest).</summary>
public sealed class PromptBlocksTests
{
    private static readonly string System = "You are a careful assistant who answers in full sentences. " + new string('.', 100);

    [Fact]
    public void ANextTurnStartsWithEveryWholeBlockOfThePreviousPrompt()
    {
        var first = PromptBlocks.Of(Request(("system", System), ("user", "Tell me about llamas, please, at some length.")));
        var second = PromptBlocks.Of(Request(("system", System), ("user", "Tell me about llamas, please, at some length."), ("assistant", "They hum."), ("user", "More?")));

        Assert.True(first.Length >= 2);
        Assert.Equal(first, second[..first.Length]);
    }

    [Fact]
    public void ADifferentOpeningSharesNoBlock()
    {
        var one = PromptBlocks.Of(Request(("system", System), ("user", "a")));
        var other = PromptBlocks.Of(Request(("system", "Be brief. " + System), ("user", "a")));

        Assert.Empty(one.Intersect(other));
    }

    [Fact]
    public void ConversationsSharingASystemPromptShareItsBlocksOnly()
    {
        var one = PromptBlocks.Of(Request(("system", System), ("user", "First conversation " + new string('x', 200))));
        var other = PromptBlocks.Of(Request(("system", System), ("user", "Second conversation " + new string('x', 200))));
        var shared = one.Zip(other).TakeWhile(pair => pair.First == pair.Second).Count();

        Assert.InRange(shared, 1, System.Length / PromptBlocks.BlockChars + 1);
        Assert.Empty(one.Skip(shared).Intersect(other.Skip(shared)));
    }

    [Fact]
    public void OnlyWholeBlocksAreHashed()
    {
        Assert.Empty(PromptBlocks.Chain(new string('a', PromptBlocks.BlockChars - 1)));
        Assert.Equal(3, PromptBlocks.Chain(new string('a', 3 * PromptBlocks.BlockChars + 5)).Length);
    }

    [Fact]
    public void TheDigestKeepsTheMostRecentPromptsAndDropsOnesALaterPromptExtends()
    {
        var digest = new PrefixDigest();
        digest.Add([1, 2]);
        digest.Add([1, 2, 3]); // the same conversation's next turn replaces its last
        digest.Add([7]);
        digest.Add([8]);

        Assert.Equal(3, digest.Count);
        Assert.Equal([8UL, 7UL], digest.Snapshot(held: 2));
        Assert.False(digest.Add([]));
    }

    private static GenerationRequest Request(params (string Role, string Content)[] messages) =>
        new() { Messages = [.. messages.Select(m => new ChatMessage(m.Role, m.Content))] };
}
