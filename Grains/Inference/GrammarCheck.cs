using System.Runtime.InteropServices;
using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Parses a GBNF grammar with llama.cpp itself before a request is accepted. LLamaSharp adds the grammar
/// sampler to a chain without checking it, and llama.cpp returns null for a grammar it cannot parse: a
/// null sampler in a chain would crash the decode thread.
/// </summary>
internal static class GrammarCheck
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetVocabulary(IntPtr model);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr InitGrammar(
        IntPtr vocabulary,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string grammar,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string root);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void FreeSampler(IntPtr sampler);

    private static readonly Lazy<(GetVocabulary Vocabulary, InitGrammar Init, FreeSampler Free)> Native = new(() =>
    {
        // The library LLamaSharp resolved and loaded for its own imports.
        var library = NativeLibrary.Load("llama", typeof(NativeApi).Assembly, null);
        return (
            Export<GetVocabulary>(library, "llama_model_get_vocab"),
            Export<InitGrammar>(library, "llama_sampler_init_grammar"),
            Export<FreeSampler>(library, "llama_sampler_free"));
    });

    public static bool Parses(SafeLlamaModelHandle model, string grammar)
    {
        var native = Native.Value;
        var sampler = native.Init(native.Vocabulary(model.DangerousGetHandle()), grammar, "root");
        if (sampler == IntPtr.Zero)
        {
            return false;
        }

        native.Free(sampler);
        return true;
    }

    private static T Export<T>(IntPtr library, string name)
        where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));
}
