using System.Runtime.InteropServices;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Verge.Orleans.Tests.Structured;

/// <summary>
/// Asks llama.cpp itself whether a GBNF grammar parses and whether it accepts a text: the text is
/// tokenized with the demo model's byte-level vocabulary and fed to the grammar sampler token by token,
/// then the end-of-generation token must be allowed (the grammar is complete).
/// </summary>
public static class GrammarAcceptance
{
    private static readonly Lazy<LLamaWeights> Weights = new(() => LLamaWeights.LoadFromFile(new ModelParams(TestModels.ScriptedPath) { GpuLayerCount = 0 }));

    private static readonly Lazy<ChainGet> SamplerAt = new(LoadChainGet);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ChainGet(IntPtr chain, int index);

    /// <summary>True when llama.cpp parses the grammar (with a rule named <paramref name="root"/>).</summary>
    public static bool IsValid(string gbnf, string root = "root")
    {
        using var chain = Create(gbnf, root);
        return chain is not null;
    }

    /// <summary>True when the grammar accepts the whole text and then the end of generation.</summary>
    /// <exception cref="ArgumentException">The grammar does not parse.</exception>
    public static bool Accepts(string gbnf, string text, string root = "root")
    {
        using var chain = Create(gbnf, root) ?? throw new ArgumentException("llama.cpp rejected the grammar:\n" + gbnf, nameof(gbnf));
        var weights = Weights.Value;
        foreach (var token in weights.Tokenize(text, false, false, Encoding.UTF8))
        {
            // Accepting a token the grammar rejects throws a C++ exception that ends the process.
            if (!Allows(chain, token))
            {
                return false;
            }

            chain.Accept(token);
        }

        var end = weights.Vocab.EOS ?? throw new InvalidOperationException("The demo vocabulary has no EOS token.");
        return Allows(chain, end);
    }

    private static bool Allows(SafeLLamaSamplerChainHandle chain, LLamaToken token)
    {
        var candidates = new LLamaTokenDataArray(new[] { new LLamaTokenData(token, 0f, 0f) });
        using (LLamaTokenDataArrayNative.Create(candidates, out var native))
        {
            chain.Apply(ref native);
        }

        return !float.IsNegativeInfinity(candidates.Data.Span[0].Logit);
    }

    /// <summary>A chain holding only the grammar sampler, or null when llama.cpp failed to parse the grammar.</summary>
    private static SafeLLamaSamplerChainHandle? Create(string gbnf, string root)
    {
        // Loading the weights first makes LLamaSharp pick and load its native library.
        var weights = Weights.Value;
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGrammar(weights.NativeHandle, gbnf, root);

        // LLamaSharp adds llama.cpp's result unchecked: a grammar that fails to parse becomes a null
        // sampler in the chain, which would crash on first use. Read it back through llama.cpp's API.
        if (SamplerAt.Value(chain.DangerousGetHandle(), 0) != IntPtr.Zero)
        {
            return chain;
        }

        chain.Dispose();
        return null;
    }

    private static ChainGet LoadChainGet()
    {
        _ = Weights.Value;

        // The same libllama that LLamaSharp picked (it chooses among CPU variants at run time).
        var path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .First(file => Path.GetFileName(file) == "libllama.so");
        var library = NativeLibrary.Load(path);
        return Marshal.GetDelegateForFunctionPointer<ChainGet>(NativeLibrary.GetExport(library, "llama_sampler_chain_get"));
    }
}
