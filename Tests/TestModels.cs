using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests;

/// <summary>The scripted demo model (and its variant with FIM tokens) and a tiny embedding model, each written once per test run into a temporary folder.</summary>
public static class TestModels
{
    private static readonly Lazy<string> Scripted = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"verge-tests-{Environment.ProcessId}", "verge-demo.gguf");
        ScriptedModel.Write(path);
        return path;
    });

    private static readonly Lazy<string> Fim = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"verge-tests-{Environment.ProcessId}", "verge-fim.gguf");
        ScriptedModel.Write(path, fim: true);
        return path;
    });

    private static readonly Lazy<string> Embedding = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"verge-tests-{Environment.ProcessId}", "verge-embedding.gguf");
        EmbeddingModel.Write(path, EmbeddingModel.Tiny, GgufTensorType.Q8_0);
        return path;
    });

    public static string ScriptedPath => Scripted.Value;

    /// <summary>The scripted model with fill-in-the-middle tokens: after <c>&lt;|fim_middle|&gt;</c> it writes <see cref="ScriptedModel.FimMiddle"/>.</summary>
    public static string FimPath => Fim.Value;

    /// <summary>A tiny mean-pooled embedding model (64 dimensions, random weights).</summary>
    public static string EmbeddingPath => Embedding.Value;
}
