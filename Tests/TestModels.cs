using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests;

/// <summary>The scripted demo model, written once per test run into a temporary folder.</summary>
public static class TestModels
{
    private static readonly Lazy<string> Scripted = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"verge-tests-{Environment.ProcessId}", "verge-demo.gguf");
        ScriptedModel.Write(path);
        return path;
    });

    public static string ScriptedPath => Scripted.Value;
}
