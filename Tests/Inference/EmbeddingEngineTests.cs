using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;

namespace Verge.Orleans.Tests.Inference;

public sealed class EmbeddingEngineTests
{
    // llama.cpp's CPU kernels switch paths with the batch's size (above about 64 tokens), which moves
    // components by up to ~2e-3 while the direction stays put (cosine 0.99999).
    private const double MinCosine = 0.9999;
    private const float Tolerance = 5e-3f;

    private static readonly string[] Texts = ["Hello world", "user assistant system", "The quick brown fox jumps over the lazy dog", "a"];

    [Fact]
    public void TheModelsPoolingComesFromItsMetadata()
    {
        using var model = LoadedModel.Load(TestModels.EmbeddingPath);
        Assert.Equal("1", model.Weights.Metadata["llama.pooling_type"]);
        Assert.Equal(LLamaPoolingType.Mean, Pooling.Of(null, model.Weights));
        Assert.Equal(LLamaPoolingType.Last, Pooling.Of("last", model.Weights));
    }

    [Fact]
    public async Task ManyInputsEmbedInOneDecodeAsUnitVectorsEqualToEachAlone()
    {
        using var model = LoadedModel.Load(TestModels.EmbeddingPath);
        using var engine = Engine(model);
        var inputs = Texts.Select(text => Tokens(model, text)).ToArray();

        var batched = await engine.EmbedAsync(inputs, CancellationToken.None);

        Assert.Equal(1, engine.Counters.Steps);
        Assert.Equal(Texts.Length, engine.Counters.MaxSequencesPerStep);
        for (var i = 0; i < inputs.Length; i++)
        {
            var alone = (await engine.EmbedAsync([inputs[i]], CancellationToken.None)).Single();
            Assert.Equal(64, batched[i].Length);
            Assert.Equal(1.0, Math.Sqrt(batched[i].Sum(x => (double)x * x)), 4);
            AssertClose(alone, batched[i]);
        }

        Assert.NotEqual(batched[0], batched[1]);
    }

    [Fact]
    public async Task ConcurrentRequestsShareDecodes()
    {
        using var model = LoadedModel.Load(TestModels.EmbeddingPath);
        using var engine = Engine(model);
        var inputs = Texts.Select(text => Tokens(model, text)).ToArray();
        var expected = await engine.EmbedAsync(inputs, CancellationToken.None);

        // Whether requests arrive while a decode runs depends on the scheduler: of a few bursts of 16, one must share.
        var bursts = new List<long>();
        for (var burst = 0; burst < 5 && bursts.All(decodes => decodes >= 16); burst++)
        {
            var before = engine.Counters.Steps;
            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => engine.EmbedAsync(inputs, CancellationToken.None)));
            bursts.Add(engine.Counters.Steps - before);
            foreach (var result in results)
            {
                for (var i = 0; i < inputs.Length; i++)
                {
                    AssertClose(expected[i], result[i]);
                }
            }
        }

        Assert.True(bursts[^1] < 16, $"bursts of 16 requests took {string.Join(", ", bursts)} decodes");
        Assert.True(engine.Idle);
    }

    [Fact]
    public async Task InputsBeyondTheContextOrVocabularyAreRefusedNamingInput()
    {
        using var model = LoadedModel.Load(TestModels.EmbeddingPath);
        using var engine = Engine(model, contextSize: 16);

        var tooLong = await Assert.ThrowsAsync<ServingException>(() => engine.EmbedAsync([new LLamaToken[17]], CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<ServingException>(() => engine.EmbedAsync([[(LLamaToken)5000]], CancellationToken.None));

        Assert.Equal((400, "input", "context_length_exceeded"), (tooLong.Status, tooLong.Param, tooLong.Code));
        Assert.Equal((400, "input"), (unknown.Status, unknown.Param));
        Assert.Single(await engine.EmbedAsync([new LLamaToken[16]], CancellationToken.None));
    }

    [Fact]
    public void TruncatedVectorsAreRenormalisedPrefixes()
    {
        float[] vector = [0.6f, 0.0f, 0.8f, 0.0f];

        var truncated = EmbeddingVectors.Normalized(vector, 2);

        Assert.Equal([1f, 0f], truncated);
    }

    internal static LLamaToken[] Tokens(LoadedModel model, string text) =>
        model.Weights.Tokenize(text, false, special: false, Encoding.UTF8);

    private static EmbeddingEngine Engine(LoadedModel model, int contextSize = 512) =>
        new(model, new EmbeddingOptions { Parallel = 8, ContextSize = contextSize, Threads = 2, Pooling = Pooling.Of(null, model.Weights) }, "test", NullLogger.Instance);

    internal static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var cosine = expected.Zip(actual).Sum(pair => (double)pair.First * pair.Second);
        Assert.True(cosine > MinCosine, $"cosine {cosine}");
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < Tolerance, $"component {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
