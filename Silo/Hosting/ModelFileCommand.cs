using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Silo.Hosting;

/// <summary>
/// <c>write-model scripted PATH</c> writes the demo model (<c>scripted-fim</c>: with fill-in-the-middle tokens); <c>write-model random PATH [shape] [f16|q8_0]</c>
/// writes random weights of a real shape (default qwen2.5-0.5b, q8_0) for benchmarks; <c>write-model embedding PATH
/// [shape] [f16|q8_0]</c> a mean-pooled embedding model (default 384 dimensions, 12 layers).
/// </summary>
public static class ModelFileCommand
{
    public const string Name = "write-model";

    public static int Run(string[] args)
    {
        if (args.Length < 3 || args[1] is not ("scripted" or "scripted-fim" or "random" or "embedding"))
        {
            Console.Error.WriteLine("usage: write-model scripted|scripted-fim PATH | write-model random|embedding PATH [qwen2.5-0.5b|embd,layers,ff,heads,kvheads,vocab] [f16|q8_0]");
            return 2;
        }

        var path = args[2];
        if (args[1] is "scripted" or "scripted-fim")
        {
            ScriptedModel.Write(path, fim: args[1] == "scripted-fim");
        }
        else
        {
            var embedding = args[1] == "embedding";
            var shape = args.Length > 3 ? ModelShape.Parse(args[3]) : embedding ? EmbeddingModel.Small : ModelShape.Qwen25Half;
            var type = args.Length > 4 && args[4].Equals("f16", StringComparison.OrdinalIgnoreCase) ? GgufTensorType.F16 : GgufTensorType.Q8_0;
            if (embedding)
            {
                EmbeddingModel.Write(path, shape, type);
            }
            else
            {
                RandomModel.Write(path, shape, type);
            }
        }

        Console.WriteLine($"wrote {path} ({new FileInfo(path).Length:N0} bytes)");
        return 0;
    }
}
