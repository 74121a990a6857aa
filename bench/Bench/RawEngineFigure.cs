using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Verge.Orleans.Bench;

/// <summary>
/// The same model file driven by LLamaSharp directly, no server and no engine of ours: one sequence, greedy,
/// a plain decode loop. The product's figures are divided by these, measured in the same run.
/// </summary>
internal sealed class RawEngineFigure : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();

    public RawEngineFigure(string modelPath, int contextSize)
    {
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = (uint)contextSize,
            BatchSize = 512,
            UBatchSize = 512,
            Threads = Environment.ProcessorCount,
            BatchThreads = Environment.ProcessorCount,
        };
        _weights = LLamaWeights.LoadFromFile(parameters);
        _context = _weights.CreateContext(parameters);
    }

    /// <summary>Prompt tokens per second: <paramref name="prompt"/> evaluated in batches from an empty context.</summary>
    public double PromptTokensPerSecond(LLamaToken[] prompt)
    {
        _context.NativeHandle.MemoryClear();
        var clock = Stopwatch.StartNew();
        Prefill(prompt);
        return prompt.Length / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Tokens per second after the first, greedy, one token per decode: what a single stream gets.</summary>
    public double DecodeTokensPerSecond(LLamaToken[] prompt, int tokens)
    {
        _context.NativeHandle.MemoryClear();
        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        Prefill(prompt);
        var position = prompt.Length;
        var token = sampler.Sample(_context.NativeHandle, -1);
        var clock = Stopwatch.StartNew();
        for (var i = 1; i < tokens; i++)
        {
            _batch.Clear();
            _batch.Add(token, position++, LLamaSeqId.Zero, logits: true);
            Decode();
            token = sampler.Sample(_context.NativeHandle, -1);
        }

        return (tokens - 1) / clock.Elapsed.TotalSeconds;
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }

    private void Prefill(LLamaToken[] prompt)
    {
        for (var start = 0; start < prompt.Length; start += 512)
        {
            _batch.Clear();
            var end = Math.Min(prompt.Length, start + 512);
            for (var i = start; i < end; i++)
            {
                _batch.Add(prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
            }

            Decode();
        }
    }

    private void Decode()
    {
        if (_context.NativeHandle.Decode(_batch) is not DecodeResult.Ok and var result)
        {
            throw new InvalidOperationException($"llama_decode returned {result}");
        }
    }
}
