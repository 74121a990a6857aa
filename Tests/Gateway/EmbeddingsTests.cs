using System.Buffers.Binary;
using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI.Embeddings;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Tests.Inference;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>
/// <c>/v1/embeddings</c> through the OpenAI SDK and raw HTTP, on a tiny embedding model registered
/// through the admin API (64 dimensions, 64-token context).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class EmbeddingsTests(GatewayFixture gateway)
{
    private const string Model = "embed-tests";
    private const int Size = 64;
    private static readonly string[] Texts = ["Hello world", "user assistant system", "The quick brown fox jumps over the lazy dog", "a"];
    private static readonly SemaphoreSlim Registering = new(1, 1);
    private static bool _registered;

    [Fact]
    public async Task ABatchOfInputsReturnsOneUnitVectorEachInOrder()
    {
        var client = await EmbeddingsAsync();

        var result = (await client.GenerateEmbeddingsAsync(Texts)).Value;

        Assert.Equal([0, 1, 2, 3], result.Select(e => e.Index));
        Assert.All(result, e => Assert.Equal(Size, e.ToFloats().Length));
        Assert.All(result, e => Assert.Equal(1.0, Norm(e.ToFloats().ToArray()), 4));
        Assert.Equal(Model, result.Model);
        Assert.True(result.Usage.InputTokenCount >= Texts.Length);
        Assert.Equal(result.Usage.InputTokenCount, result.Usage.TotalTokenCount);
        Assert.NotEqual(result[0].ToFloats().ToArray(), result[1].ToFloats().ToArray());
    }

    [Fact]
    public async Task TheSameTextEmbedsAloneAsInABatch()
    {
        var client = await EmbeddingsAsync();

        var batch = (await client.GenerateEmbeddingsAsync(Texts)).Value;

        for (var i = 0; i < Texts.Length; i++)
        {
            var alone = (await client.GenerateEmbeddingAsync(Texts[i])).Value;
            EmbeddingEngineTests.AssertClose(alone.ToFloats().ToArray(), batch[i].ToFloats().ToArray());
        }
    }

    [Fact]
    public async Task Base64DecodesToTheFloatVectors()
    {
        await EmbeddingsAsync();

        var floats = await PostAsync($$"""{"model":"{{Model}}","input":["Hello world","a"],"encoding_format":"float"}""");
        var base64 = await PostAsync($$"""{"model":"{{Model}}","input":["Hello world","a"],"encoding_format":"base64"}""");

        Assert.Equal(HttpStatusCode.OK, floats.Status);
        Assert.Equal("list", floats.Body.GetProperty("object").GetString());
        for (var i = 0; i < 2; i++)
        {
            var entry = floats.Body.GetProperty("data")[i];
            Assert.Equal(("embedding", i), (entry.GetProperty("object").GetString(), entry.GetProperty("index").GetInt32()));
            var bytes = Convert.FromBase64String(base64.Body.GetProperty("data")[i].GetProperty("embedding").GetString()!);
            var decoded = Enumerable.Range(0, bytes.Length / 4).Select(j => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(j * 4))).ToArray();
            Assert.Equal(entry.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()).ToArray(), decoded);
        }

        Assert.Equal(floats.Body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), floats.Body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task DimensionsTruncateAndRenormalise()
    {
        var client = await EmbeddingsAsync();

        var full = (await client.GenerateEmbeddingAsync(Texts[2])).Value.ToFloats().ToArray();
        var short16 = (await client.GenerateEmbeddingAsync(Texts[2], new EmbeddingGenerationOptions { Dimensions = 16 })).Value.ToFloats().ToArray();

        Assert.Equal(16, short16.Length);
        Assert.Equal(1.0, Norm(short16), 4);
        var prefixNorm = Norm(full[..16]);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(full[i] / prefixNorm, short16[i], 4);
        }
    }

    [Fact]
    public async Task TokenArraysEmbedAsTheirText()
    {
        var client = await EmbeddingsAsync();
        int[][] tokens;
        using (var model = LoadedModel.Load(TestModels.EmbeddingPath))
        {
            tokens = [.. Texts.Select(text => EmbeddingEngineTests.Tokens(model, text).Select(t => (int)t).ToArray())];
        }

        var fromText = (await client.GenerateEmbeddingsAsync(Texts)).Value;
        var fromTokens = (await client.GenerateEmbeddingsAsync(tokens.Select(t => new ReadOnlyMemory<int>(t)))).Value;
        var single = await PostAsync($$"""{"model":"{{Model}}","input":{{JsonSerializer.Serialize(tokens[0])}}}""");

        for (var i = 0; i < Texts.Length; i++)
        {
            EmbeddingEngineTests.AssertClose(fromText[i].ToFloats().ToArray(), fromTokens[i].ToFloats().ToArray());
        }

        Assert.Equal(fromText.Usage.InputTokenCount, fromTokens.Usage.InputTokenCount);
        Assert.Equal(HttpStatusCode.OK, single.Status);
        EmbeddingEngineTests.AssertClose(fromText[0].ToFloats().ToArray(),
            [.. single.Body.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle())]);
    }

    [Theory]
    [InlineData("""{"model":"verge-demo","input":"hi"}""", "model", "invalid_model")]
    [InlineData("""{"model":"embed-tests","input":"hi","dimensions":65}""", "dimensions", "invalid_value")]
    [InlineData("""{"model":"embed-tests","input":"hi","dimensions":0}""", "dimensions", "invalid_value")]
    [InlineData("""{"model":"embed-tests","input":"hi","dimensions":"8"}""", "dimensions", "invalid_type")]
    [InlineData("""{"model":"embed-tests","input":""}""", "input", "invalid_value")]
    [InlineData("""{"model":"embed-tests","input":["a",""]}""", "input[1]", "invalid_value")]
    [InlineData("""{"model":"embed-tests","input":[]}""", "input", "invalid_value")]
    [InlineData("""{"model":"embed-tests","input":[[1,2],[]]}""", "input[1]", "invalid_value")]
    [InlineData("""{"model":"embed-tests"}""", "input", "invalid_value")]
    [InlineData("""{"model":"embed-tests","input":5}""", "input", "invalid_type")]
    [InlineData("""{"model":"embed-tests","input":["a",5]}""", "input[1]", "invalid_type")]
    [InlineData("""{"model":"embed-tests","input":[1,-2]}""", "input[1]", "invalid_type")]
    [InlineData("""{"model":"embed-tests","input":[[1],[2,"x"]]}""", "input[1][1]", "invalid_type")]
    [InlineData("""{"model":"embed-tests","input":[[1],[99999]]}""", "input", "invalid_value")]
    [InlineData("""{"model":"embed-tests","input":"hi","encoding_format":"hex"}""", "encoding_format", "invalid_value")]
    [InlineData("""{"input":"hi"}""", "model", "invalid_value")]
    public async Task BadRequestsAre400sNamingTheParameter(string body, string param, string code)
    {
        await EmbeddingsAsync();

        var (status, error) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal((param, code, "invalid_request_error"), (
            error.GetProperty("error").GetProperty("param").GetString(),
            error.GetProperty("error").GetProperty("code").GetString(),
            error.GetProperty("error").GetProperty("type").GetString()));
    }

    [Fact]
    public async Task AnInputLongerThanTheContextIsA400NamingInput()
    {
        await EmbeddingsAsync();
        var tooLong = string.Join(' ', Enumerable.Repeat("Hello world", 40));

        var (status, error) = await PostAsync(JsonSerializer.Serialize(new { model = Model, input = new[] { "a", tooLong } }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("input", "context_length_exceeded"), (error.GetProperty("error").GetProperty("param").GetString(), error.GetProperty("error").GetProperty("code").GetString()));
    }

    [Fact]
    public async Task AnEmbeddingModelRefusesChatBeforeAnyToken()
    {
        await EmbeddingsAsync();

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => gateway.Chat(Model).CompleteChatAsync("hi"));
        using var raw = await gateway.Client().PostAsync("/v1/chat/completions",
            new StringContent($$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var error = await raw.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(400, refused.Status);
        Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
        Assert.Equal("model", error.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains("/v1/embeddings", error.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task TheAdminApiValidatesPooling()
    {
        var admin = gateway.Client();

        var unknown = await admin.PostAsJsonAsync("/api/v1/models", new { name = "bad-pooling", path = TestModels.EmbeddingPath, embedding = true, pooling = "max" });
        var onChat = await admin.PostAsJsonAsync("/api/v1/models", new { name = "bad-pooling", path = TestModels.ScriptedPath, pooling = "mean" });

        foreach (var response in new[] { unknown, onChat })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("pooling", out _));
        }
    }

    private async Task<EmbeddingClient> EmbeddingsAsync()
    {
        await Registering.WaitAsync();
        try
        {
            if (!_registered)
            {
                var created = await gateway.Client().PostAsJsonAsync("/api/v1/models",
                    new { name = Model, path = TestModels.EmbeddingPath, embedding = true, pooling = "mean", parallel = 8, contextSize = 64, cores = 2 });
                Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"registering {Model}: {created.StatusCode}");
                _registered = true;
            }
        }
        finally
        {
            Registering.Release();
        }

        return gateway.Embeddings(Model);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string body)
    {
        using var response = await gateway.Client().PostAsync("/v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static double Norm(float[] vector) => Math.Sqrt(vector.Sum(x => (double)x * x));
}
