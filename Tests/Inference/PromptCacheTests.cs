using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

/// <summary>
/// The host-RAM prompt cache over a random-weight model (attention over every cached position shapes each
/// token, so a wrong restore shows in the text): conversations pushed out of their slot come back exactly.
/// </summary>
public sealed class PromptCacheTests
{
    private static readonly SamplingSettings Greedy = new() { Temperature = 0, MaxTokens = 16, IgnoreEos = true };

    [Fact]
    public async Task APrefixRestoredFromHostRamAnswersExactlyAsAFreshEvaluation()
    {
        using var model = LoadedModel.Load(RandomPath);
        var (first, next) = (Turn(model, "alpha", 1), Turn(model, "alpha", 2));
        using var engine = Engine(model, parallel: 1);

        await Run(engine, first, Greedy);
        await Run(engine, Turn(model, "bravo", 1), Greedy); // takes the only slot: alpha goes to host RAM
        var restored = await Run(engine, next, Greedy);

        Assert.Equal(1, engine.Counters.PromptCache.Restores);
        Assert.True(Summary(restored).CachedTokens >= Common(first, next), $"cached {Summary(restored).CachedTokens} of a {Common(first, next)}-token common prefix");
        Assert.Equal(next.Length - Summary(restored).CachedTokens, Summary(restored).PromptEvaluated);
        Assert.Equal(await Fresh(model, next), Content(restored));
    }

    [Fact]
    public async Task AnIdleEngineCopiesItsFreeSlotsSoTakingOneLaterCostsNoSave()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model, parallel: 1);

        await Run(engine, Turn(model, "alpha", 1), Greedy);
        await CopiedAsync(engine, saves: 1);
        await Run(engine, Turn(model, "bravo", 1), Greedy); // takes the slot alpha's copy already left
        await Eventually.HoldsAsync(() => Task.FromResult(engine.Counters.PromptCache.Entries == 2), "bravo's copy");

        Assert.Equal(2, engine.Counters.PromptCache.Saves); // alpha's copy and bravo's, none when bravo took the slot
        var restored = await Run(engine, Turn(model, "alpha", 2), Greedy);
        Assert.Equal(1, engine.Counters.PromptCache.Restores);
        Assert.Equal(await Fresh(model, Turn(model, "alpha", 2)), Content(restored));
    }

    [Fact]
    public async Task AnIdleCopyOfASlotThatIsNotTheNextToBeTakenEvictsNothing()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model, await EntryBytes(model) * 3 / 2, parallel: 2); // room for one entry

        await Run(engine, Turn(model, "alpha", 1), Greedy);
        await CopiedAsync(engine, saves: 1);
        await Run(engine, Turn(model, "bravo", 1), Greedy); // the other slot
        await CopiedAsync(engine, saves: 2); // alpha's slot is the next to be taken: bravo's copy would evict alpha's

        Assert.Equal((0, 1), (engine.Counters.PromptCache.Evictions, engine.Counters.PromptCache.Entries));
        Assert.True(Summary(await Run(engine, Turn(model, "alpha", 2), Greedy)).CachedTokens > 0);
    }

    [Fact]
    public async Task FourConversationsOverOneSlotEachResumeFromTheCache()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model, parallel: 1);
        string[] names = ["alpha", "bravo", "charlie", "delta"];

        for (var turn = 1; turn <= 3; turn++)
        {
            foreach (var name in names)
            {
                var prompt = Turn(model, name, turn);
                var summary = Summary(await Run(engine, prompt, Greedy));
                if (turn > 1)
                {
                    Assert.True(summary.CachedTokens >= Common(Turn(model, name, turn - 1), prompt), $"{name} turn {turn} reused {summary.CachedTokens} tokens");
                }
            }
        }

        var counters = engine.Counters.PromptCache;
        Assert.Equal(8, counters.Restores);
        Assert.Equal((8, 4), (counters.Hits, counters.Misses));
    }

    [Fact]
    public async Task TheCacheStaysWithinItsBoundAndEvictsTheLeastRecentlyUsed()
    {
        using var model = LoadedModel.Load(RandomPath);
        var bound = await EntryBytes(model) * 5 / 2; // room for two entries
        using var engine = Engine(model, bound);

        string[] names = ["alpha", "bravo", "charlie", "delta"];
        for (var i = 0; i < names.Length; i++)
        {
            await Run(engine, Turn(model, names[i], 1), Greedy);
            await CopiedAsync(engine, saves: i + 1);
            Assert.InRange(engine.Counters.PromptCache.Bytes, 0, bound);
        }

        // The only slot, the next to be taken, was copied after each answer: charlie's and delta's copies pushed out
        // alpha and bravo, the least recently used.
        Assert.Equal((2, 2), (engine.Counters.PromptCache.Evictions, engine.Counters.PromptCache.Entries));
        Assert.True(Summary(await Run(engine, Turn(model, "charlie", 2), Greedy)).CachedTokens > 0);
        Assert.Equal(0, Summary(await Run(engine, Turn(model, "alpha", 2), Greedy)).CachedTokens);
        Assert.InRange(engine.Counters.PromptCache.Bytes, 0, bound);
    }

    [Fact]
    public async Task AConversationsEntryIsEvictedAfterTheOthers()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model, await EntryBytes(model) * 5 / 2);
        var session = Greedy with { Conversation = true };

        await Run(engine, Turn(model, "alpha", 1), session);
        await CopiedAsync(engine, saves: 1);
        string[] others = ["bravo", "charlie", "delta"];
        for (var i = 0; i < others.Length; i++)
        {
            await Run(engine, Turn(model, others[i], 1), Greedy);
            await CopiedAsync(engine, saves: i + 2);
        }

        // Room for two: charlie's copy pushed out bravo, delta's charlie, never alpha's conversation.
        Assert.Equal(2, engine.Counters.PromptCache.Evictions);
        Assert.True(Summary(await Run(engine, Turn(model, "alpha", 2), session)).CachedTokens > 0);
    }

    [Fact]
    public async Task AnEntryEvictedJustBeforeItsRestoreIsEvaluatedAgainExactly()
    {
        using var model = LoadedModel.Load(RandomPath);
        var next = Turn(model, "alpha", 2);
        using var engine = Engine(model, await EntryBytes(model) * 3 / 2); // room for one entry

        await Run(engine, Turn(model, "alpha", 1), Greedy);
        await CopiedAsync(engine, saves: 1);
        var bravo = Run(engine, Turn(model, "bravo", 1), Greedy);
        var events = await Run(engine, next, Greedy); // queued behind bravo: saving bravo out of the slot evicts alpha, the match
        await bravo;

        Assert.Equal((0, 0), (Summary(events).CachedTokens, engine.Counters.PromptCache.Restores));
        Assert.Equal(next.Length, Summary(events).PromptEvaluated);
        Assert.Equal(await Fresh(model, next), Content(events));
    }

    [Fact]
    public async Task APrefixShorterThanHalfThePromptIsReused()
    {
        using var model = LoadedModel.Load(RandomPath);
        var question = model.RenderPrompt([new ChatMessage("system", "Answer briefly."), new ChatMessage("user", "Short.")], disableThink: false);
        var longer = model.RenderPrompt([new ChatMessage("system", "Answer briefly."), new ChatMessage("user", Words("a much longer question", 8))], disableThink: false);
        var common = Common(question, longer);
        using var engine = Engine(model, parallel: 1);

        await Run(engine, question, Greedy);
        var events = await Run(engine, longer, Greedy);

        Assert.InRange(common, SlotCache.MinReuse, longer.Length / 2 - 1);
        Assert.Equal(common, Summary(events).CachedTokens);
        Assert.Equal(await Fresh(model, longer), Content(events));
    }

    [Fact]
    public async Task AnAnswerSentBackAsTheNextTurnKeepsTheTokensTheModelGenerated()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model);
        List<ChatMessage> messages = [new("system", System("alpha")), new("user", "Question 1 about alpha?")];
        var first = model.RenderPrompt(messages, disableThink: false);

        // "Helo" over and over, a letter per token, where the tokenizer merges "Hel" (a step of "Hello"): the bias
        // ranks the letters and the frequency penalty moves on to the next one.
        var letters = Greedy with
        {
            LogitBias = new[] { "H", "e", "l", "o" }.Select((letter, rank) => ((int)Token(model, letter), 100f - 10 * rank)).ToDictionary(),
            FrequencyPenalty = 50,
        };
        var answer = await Run(engine, first, letters);
        var generated = answer.SelectMany(e => e.Tokens ?? []).Select(t => (LLamaToken)t).ToArray();
        messages.AddRange([new("assistant", Content(answer)), new("user", "Question 2 about alpha?")]);
        var next = model.RenderPrompt(messages, disableThink: false);
        var events = await Run(engine, next, Greedy);

        // The answer's text alone tokenizes otherwise: without the generated tokens the slot's KV would end where the answer begins.
        Assert.NotEqual(generated, model.Weights.Tokenize(Content(answer), false, special: false, Encoding.UTF8));
        Assert.Equal([.. first, .. generated], next[..(first.Length + generated.Length)]);
        Assert.Equal(first.Length + generated.Length - 1, Summary(events).CachedTokens);
        Assert.Equal(await Fresh(model, next), Content(events));
    }

    // The n-th turn of a conversation: a long system prompt of its own and the turns before.
    private static LLamaToken[] Turn(LoadedModel model, string name, int turn)
    {
        var messages = new List<ChatMessage> { new("system", System(name)) };
        for (var i = 1; i < turn; i++)
        {
            messages.Add(new("user", $"Question {i} about {name}?"));
            messages.Add(new("assistant", $"Answer {i} about {name}."));
        }

        messages.Add(new("user", $"Question {turn} about {name}?"));
        return model.RenderPrompt(messages, disableThink: false);
    }

    private static string System(string name) => $"{name}: " + Words($"you help with {name} only", 6);

    private static string Words(string phrase, int times) => string.Join(' ', Enumerable.Repeat(phrase, times));

    private static int Common(LLamaToken[] a, LLamaToken[] b) => a.Zip(b).TakeWhile(pair => pair.First == pair.Second).Count();

    private static InferenceEngine Engine(LoadedModel model, long bound = 256L << 20, int parallel = 1) =>
        new(model, new EngineOptions { Parallel = parallel, ContextSize = 512, Threads = 2, PromptCacheBytes = bound }, "cache", NullLogger.Instance);

    private static async Task<string> Fresh(LoadedModel model, LLamaToken[] prompt)
    {
        using var alone = Engine(model, bound: 0);
        return Content(await Run(alone, prompt, Greedy));
    }

    // What one saved first turn takes in host RAM (the turns of all names have about the same length).
    private static async Task<long> EntryBytes(LoadedModel model)
    {
        using var engine = Engine(model);
        await Run(engine, Turn(model, "alpha", 1), Greedy);
        await CopiedAsync(engine, saves: 1);
        return engine.Counters.PromptCache.Bytes;
    }

    // An idle engine copies its free slots to host RAM: waits for the saves so far (copies, and saves of slots being taken).
    private static Task CopiedAsync(InferenceEngine engine, long saves) =>
        Eventually.HoldsAsync(() => Task.FromResult(engine.Counters.PromptCache.Saves >= saves), $"{saves} saves to host RAM");
}
